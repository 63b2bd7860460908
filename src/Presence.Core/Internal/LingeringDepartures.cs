namespace Presence.Internal;

/// <summary>
/// Signed-in participants whose last connection here ended and who stay in the roster for the grace period
/// (<see cref="PresenceOptions.DepartureGracePeriod"/>), so that a reconnect within it, here or elsewhere, announces no
/// <c>leave</c>. The one owner of each such departure until the maintenance loop takes it to complete it.
/// </summary>
internal sealed class LingeringDepartures
{
    private readonly Lock _gate = new();

    // In the order they began, which is the order of their deadlines: the grace period is one for all.
    private readonly LinkedList<Entry> _entries = [];

    /// <summary>Gets how many departures wait.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public void Add(PresenceConnection connection, PresenceRoom room, long deadline)
    {
        lock (_gate)
        {
            _entries.AddLast(new Entry(connection, room, deadline));
        }
    }

    /// <summary>Ends the grace of a participant at once, as a kick does; true when it had one.</summary>
    public bool Expedite(string room, string id)
    {
        var found = false;
        lock (_gate)
        {
            for (var node = _entries.First; node is not null; node = node.Next)
            {
                if (node.Value.Room.Name == room && node.Value.Connection.Id == id)
                {
                    node.Value = node.Value with { Deadline = long.MinValue };
                    found = true;
                }
            }
        }

        return found;
    }

    /// <summary>Takes the departures whose grace is over at <paramref name="now"/>, or all of them.</summary>
    public List<(PresenceConnection Connection, PresenceRoom Room)> TakeDue(long now, bool all)
    {
        var due = new List<(PresenceConnection, PresenceRoom)>();
        lock (_gate)
        {
            for (var node = _entries.First; node is not null;)
            {
                var next = node.Next;
                if (all || node.Value.Deadline <= now)
                {
                    due.Add((node.Value.Connection, node.Value.Room));
                    _entries.Remove(node);
                }

                node = next;
            }
        }

        return due;
    }

    private readonly record struct Entry(PresenceConnection Connection, PresenceRoom Room, long Deadline);
}
