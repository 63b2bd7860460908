namespace Presence.Internal;

/// <summary>
/// The events of one room since the last tick, for protocol v2 clients and for the instance's batched publication.
/// A cursor update replaces the same participant's pending one, unless a presence or leave of that participant
/// came after it: the order of a participant's events is kept, and only its positions are coalesced.
/// </summary>
internal sealed class RoomBatch
{
    private readonly object _gate = new();
    private readonly List<Entry> _pending = [];
    private readonly Dictionary<string, int> _pendingCursor = new(StringComparer.Ordinal);

    public void Add(byte[] message, string participantId, bool isCursor, bool isLocal)
    {
        lock (_gate)
        {
            if (isCursor && _pendingCursor.TryGetValue(participantId, out var index))
            {
                _pending[index] = new Entry(message, IsCursor: true, isLocal);
                return;
            }

            if (isCursor)
            {
                _pendingCursor[participantId] = _pending.Count;
            }
            else
            {
                _pendingCursor.Remove(participantId);
            }

            _pending.Add(new Entry(message, isCursor, isLocal));
        }
    }

    /// <summary>Takes the pending events, oldest first; empty when nothing happened since the last tick.</summary>
    public Entry[] Drain()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return [];
            }

            var entries = _pending.ToArray();
            _pending.Clear();
            _pendingCursor.Clear();
            return entries;
        }
    }

    /// <summary>Joins messages into one v2 frame, <c>[m1,m2,…]</c>, without parsing or encoding them again.</summary>
    public static byte[] Frame(Entry[] entries, bool localOnly)
    {
        var length = 1;
        var count = 0;
        foreach (var entry in entries)
        {
            if (!localOnly || entry.IsLocal)
            {
                length += entry.Message.Length + 1;
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var frame = new byte[length];
        frame[0] = (byte)'[';
        var offset = 1;
        foreach (var entry in entries)
        {
            if (!localOnly || entry.IsLocal)
            {
                entry.Message.CopyTo(frame, offset);
                offset += entry.Message.Length;
                frame[offset++] = (byte)',';
            }
        }

        frame[^1] = (byte)']';
        return frame;
    }

    public static byte[] Frame(byte[] message) => Frame([new Entry(message, IsCursor: false, IsLocal: true)], localOnly: false);

    internal readonly record struct Entry(byte[] Message, bool IsCursor, bool IsLocal);
}
