namespace Presence.Internal;

/// <summary>
/// The events of one room since the last tick, for protocol v2 clients and for the other instances. A cursor update
/// replaces the same participant's pending one, unless a presence or leave of that participant came after it: the
/// order of a participant's events is kept, and only its positions are coalesced.
/// </summary>
internal sealed class RoomBatch
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _pending = [];
    private readonly Dictionary<string, int> _pendingCursor = new(StringComparer.Ordinal);

    /// <summary>Adds an event; <paramref name="publish"/> when the other instances are to hear of it from this one.</summary>
    public void Add(byte[] message, string participantId, bool isCursor, bool publish)
    {
        lock (_gate)
        {
            if (isCursor && _pendingCursor.TryGetValue(participantId, out var index))
            {
                _pending[index] = new Entry(message, participantId, IsCursor: true, publish);
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

            _pending.Add(new Entry(message, participantId, isCursor, publish));
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

    /// <summary>
    /// The tick's v2 frame, <c>[m1,m2,…]</c>, joined without parsing or encoding the messages again. A frame of cursor
    /// updates only says so, so that a full outbox can coalesce it per participant.
    /// </summary>
    public static PresenceFrame Frame(Entry[] entries)
    {
        if (Array.TrueForAll(entries, static e => e.IsCursor))
        {
            var ids = new string[entries.Length];
            var messages = new ReadOnlyMemory<byte>[entries.Length];
            for (var i = 0; i < entries.Length; i++)
            {
                ids[i] = entries[i].ParticipantId;
                messages[i] = entries[i].Message;
            }

            return CursorPositions.BatchFrame(ids, messages);
        }

        return new PresenceFrame(new PresenceBatch([.. entries.Select(static e => (ReadOnlyMemory<byte>)e.Message)]).Frame);
    }

    /// <summary>A v2 frame of one message, such as a snapshot.</summary>
    public static byte[] Frame(byte[] message)
    {
        var frame = new byte[message.Length + 2];
        frame[0] = (byte)'[';
        message.CopyTo(frame, 1);
        frame[^1] = (byte)']';
        return frame;
    }

    /// <summary>The events the other instances are to hear of from this one, or <see langword="null"/> when there are none.</summary>
    public static PresenceBatch? Publication(Entry[] entries)
    {
        var count = 0;
        foreach (var entry in entries)
        {
            if (entry.Publish)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return null;
        }

        var messages = new ReadOnlyMemory<byte>[count];
        var next = 0;
        foreach (var entry in entries)
        {
            if (entry.Publish)
            {
                messages[next++] = entry.Message;
            }
        }

        return new PresenceBatch(messages);
    }

    internal readonly record struct Entry(byte[] Message, string ParticipantId, bool IsCursor, bool Publish);
}
