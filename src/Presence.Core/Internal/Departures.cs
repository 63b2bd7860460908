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
    private int _count;

    public void Begin(string room, string id)
    {
        lock (_gate)
        {
            _inFlight[(room, id)] = _inFlight.GetValueOrDefault((room, id)) + 1;
            _count++;
        }
    }

    public void End(string room, string id)
    {
        lock (_gate)
        {
            var count = _inFlight.GetValueOrDefault((room, id));
            if (count <= 1)
            {
                _inFlight.Remove((room, id));
            }
            else
            {
                _inFlight[(room, id)] = count - 1;
            }

            _count--;
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
