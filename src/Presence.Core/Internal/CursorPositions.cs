namespace Presence.Internal;

/// <summary>
/// What a frame made only of cursor updates carries: one entry per participant, each the encoded update and its place
/// in the frame. A v1 cursor message is a frame of one entry, the whole message; a v2 tick frame of cursors is an array
/// whose elements are the entries, and can be merged with another such frame.
/// </summary>
internal sealed class CursorPositions
{
    // A lone v1 message, the hot path's case, keeps its one participant without arrays; a batch has one per entry.
    private readonly string? _id;
    private readonly string[]? _ids;
    private readonly Range[]? _entries;
    private readonly int _length;
    private HashSet<string>? _idSet;

    private CursorPositions(string id, int length)
    {
        _id = id;
        _length = length;
    }

    private CursorPositions(string[] ids, Range[] entries)
    {
        _ids = ids;
        _entries = entries;
    }

    /// <summary>Gets how many entries the frame holds.</summary>
    public int Count => _ids?.Length ?? 1;

    /// <summary>Gets a value telling whether the frame is a v2 array of entries, rather than one v1 message.</summary>
    public bool IsBatch => _ids is not null;

    /// <summary>Gets the participants as a set, made on first use (by a full outbox only).</summary>
    public HashSet<string> IdSet => _idSet ??= _ids is null ? new HashSet<string>([_id!], StringComparer.Ordinal) : new HashSet<string>(_ids, StringComparer.Ordinal);

    /// <summary>Gets the participant of an entry, in the frame's order.</summary>
    public string IdAt(int index) => _ids?[index] ?? _id!;

    /// <summary>Gets where an entry lies in the frame's payload.</summary>
    public Range EntryAt(int index) => _entries?[index] ?? (0.._length);

    public static CursorPositions Message(string id, int length) => new(id, length);

    public static CursorPositions Batch(string[] ids, Range[] entries) => new(ids, entries);

    /// <summary>
    /// The frame without the entries of <paramref name="superseded"/> participants: the same frame when it has none of
    /// them, <see langword="null"/> when nothing is left.
    /// </summary>
    public static PresenceFrame? Without(PresenceFrame frame, HashSet<string> superseded)
    {
        var positions = frame.Cursors!;
        var kept = 0;
        for (var i = 0; i < positions.Count; i++)
        {
            if (!superseded.Contains(positions.IdAt(i)))
            {
                kept++;
            }
        }

        if (kept == positions.Count)
        {
            return frame;
        }

        if (kept == 0)
        {
            return null;
        }

        // Only a batch has more than one entry, so only a batch is ever cut down to some of them.
        var ids = new List<string>(kept);
        var entries = new List<ReadOnlyMemory<byte>>(kept);
        for (var i = 0; i < positions.Count; i++)
        {
            if (!superseded.Contains(positions.IdAt(i)))
            {
                ids.Add(positions.IdAt(i));
                entries.Add(frame.Payload[positions.EntryAt(i)]);
            }
        }

        return BatchFrame(ids, entries);
    }

    /// <summary>Joins two v2 cursor frames that share no participant into one, the older's entries first.</summary>
    public static PresenceFrame Merge(PresenceFrame older, PresenceFrame newer)
    {
        var first = older.Cursors!;
        var second = newer.Cursors!;
        var ids = new List<string>(first.Count + second.Count);
        var entries = new List<ReadOnlyMemory<byte>>(ids.Capacity);
        for (var i = 0; i < first.Count; i++)
        {
            ids.Add(first.IdAt(i));
            entries.Add(older.Payload[first.EntryAt(i)]);
        }

        for (var i = 0; i < second.Count; i++)
        {
            ids.Add(second.IdAt(i));
            entries.Add(newer.Payload[second.EntryAt(i)]);
        }

        return BatchFrame(ids, entries);
    }

    /// <summary>Makes a v2 frame, <c>[e1,e2,…]</c>, of already encoded entries, recording where each one lies.</summary>
    public static PresenceFrame BatchFrame(IReadOnlyList<string> ids, IReadOnlyList<ReadOnlyMemory<byte>> entries)
    {
        var length = 1;
        foreach (var entry in entries)
        {
            length += entry.Length + 1;
        }

        var payload = new byte[length];
        var ranges = new Range[entries.Count];
        payload[0] = (byte)'[';
        var offset = 1;
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i].Span.CopyTo(payload.AsSpan(offset));
            ranges[i] = offset..(offset + entries[i].Length);
            offset += entries[i].Length;
            payload[offset++] = (byte)',';
        }

        payload[^1] = (byte)']';
        return new PresenceFrame(payload, Batch([.. ids], ranges));
    }
}
