using System.Collections.Concurrent;

namespace Presence.Internal;

/// <summary>
/// Departures from this instance's rooms. While the roster has not confirmed a release, a snapshot leaves the
/// participant out: read meanwhile, the roster still holds it, and its leave may reach only the older room it left.
/// Once confirmed, the local clients were told at once, ahead of whatever the other instances published before the
/// release: an event of the participant stamped before it is stale, and dropped for a while.
/// </summary>
internal sealed class Departures
{
    /// <summary>How long a confirmed departure is remembered: far longer than any backplane's delivery takes.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Room, string Id), double> _released = new();
    private readonly Lock _gate = new();

    // Counted: two connections of one participant may leave at once.
    private readonly Dictionary<(string Room, string Id), int> _inFlight = [];

    // Per room: how many departures are in flight, and the joiners waiting for them to end.
    private readonly Dictionary<string, (int Count, TaskCompletionSource? Settled)> _rooms = new(StringComparer.Ordinal);

    // The joiners whose snapshot left a departing participant out: told of it after all if it stays.
    private readonly Dictionary<(string Room, string Id), List<PresenceConnection>> _leftOut = [];
    private int _count;

    public void Begin(string room, string id)
    {
        lock (_gate)
        {
            _inFlight[(room, id)] = _inFlight.GetValueOrDefault((room, id)) + 1;
            _count++;
            var (count, settled) = _rooms.GetValueOrDefault(room);
            _rooms[room] = (count + 1, settled);
        }
    }

    /// <summary>Ends a departure; returns the joiners whose snapshot left the participant out meanwhile, once the last one ends.</summary>
    public List<PresenceConnection>? End(string room, string id)
    {
        lock (_gate)
        {
            var count = _inFlight.GetValueOrDefault((room, id));
            _count--;
            var (inRoom, settled) = _rooms.GetValueOrDefault(room);
            if (inRoom <= 1)
            {
                _rooms.Remove(room);
                settled?.TrySetResult();
            }
            else
            {
                _rooms[room] = (inRoom - 1, settled);
            }

            if (count > 1)
            {
                _inFlight[(room, id)] = count - 1;
                return null;
            }

            _inFlight.Remove((room, id));
            return _leftOut.Remove((room, id), out var joiners) ? joiners : null;
        }
    }

    /// <summary>Completes when no departure from the room is in flight any more.</summary>
    public Task WhenSettled(string room)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (!_rooms.TryGetValue(room, out var state))
            {
                return Task.CompletedTask;
            }

            if (state.Settled is null)
            {
                state = (state.Count, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                _rooms[room] = state;
            }

            return state.Settled!.Task;
        }
    }

    /// <summary>Leaves a departing participant out of a joiner's snapshot, if it is departing; true when it is.</summary>
    public bool LeaveOut(string room, string id, PresenceConnection joiner)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return false;
        }

        lock (_gate)
        {
            if (!_inFlight.ContainsKey((room, id)))
            {
                return false;
            }

            if (!_leftOut.TryGetValue((room, id), out var joiners))
            {
                _leftOut[(room, id)] = joiners = [];
            }

            joiners.Add(joiner);
            return true;
        }
    }

    public bool IsDeparting(string room, string id)
    {
        // Nearly always nobody is leaving: no lock then.
        if (Volatile.Read(ref _count) == 0)
        {
            return false;
        }

        lock (_gate)
        {
            return _inFlight.ContainsKey((room, id));
        }
    }

    /// <summary>Remembers that the participant's release was confirmed, and its leave told locally, at <paramref name="time"/>.</summary>
    public void Released(string room, string id, double time) => _released[(room, id)] = time;

    /// <summary>Whether an event of the participant, stamped at <paramref name="updatedAt"/>, predates its release here.</summary>
    public bool IsStale(string room, string id, double updatedAt) =>
        !_released.IsEmpty && _released.TryGetValue((room, id), out var released) && updatedAt < released;

    /// <summary>Forgets the departures older than <see cref="Memory"/>.</summary>
    public void Forget(double now)
    {
        var horizon = now - Memory.TotalSeconds;
        foreach (var (key, time) in _released)
        {
            if (time < horizon)
            {
                _released.TryRemove(new KeyValuePair<(string, string), double>(key, time));
            }
        }
    }
}
