namespace Presence.Internal;

/// <summary>
/// The local members of one room on this server instance, the room's events waiting for the next tick, and its
/// backplane subscription. Its life is the <see cref="RoomDirectory"/>'s to decide: the directory adds and removes
/// members, and retires the room when its last member leaves.
/// </summary>
internal sealed class PresenceRoom
{
    private readonly Dictionary<string, PresenceConnection> _byId = new(StringComparer.Ordinal);
    private readonly Lock _lifeGate = new();

    // Copied on every join and leave, so that a broadcast reads it without a lock or an allocation.
    private PresenceConnection[] _members = [];
    private int _v1Members;
    private int _v2Members;
    private Task<IAsyncDisposable?>? _subscription;
    private bool _retired;
    private int _retirementStarted;

    public PresenceRoom(string name) => Name = name;

    public string Name { get; }

    public PresenceConnection[] Members => Volatile.Read(ref _members);

    /// <summary>Gets the events gathered for the next tick.</summary>
    public RoomBatch Batch { get; } = new();

    /// <summary>
    /// Gets the gate of the room's flushes: one at a time, so that what one flush took from <see cref="Batch"/> is
    /// handed to the clients and the backplane before what the next one takes.
    /// </summary>
    public Lock FlushGate { get; } = new();

    /// <summary>Gets a value telling whether any member speaks protocol v2, and so needs the tick's frames.</summary>
    public bool HasV2Members => Volatile.Read(ref _v2Members) > 0;

    /// <summary>Gets a value telling whether any member speaks protocol v1, and so gets each event at once.</summary>
    public bool HasV1Members => Volatile.Read(ref _v1Members) > 0;

    /// <summary>Gets a value telling whether the room's last member left: it is out of the directory for good.</summary>
    public bool IsRetired => Volatile.Read(ref _retired);

    /// <summary>
    /// Starts the room's subscription on the first call, unless the room is retired; every join awaits the same one.
    /// A retired room's is <see langword="null"/>.
    /// </summary>
    public Task<IAsyncDisposable?> GetOrStartSubscription(Func<PresenceRoom, Task<IAsyncDisposable?>> subscribe)
    {
        lock (_lifeGate)
        {
            if (_retired)
            {
                return Task.FromResult<IAsyncDisposable?>(null);
            }

            // Off this lock and this thread: the subscription's own work never runs under the room's gate.
            return _subscription ??= Task.Run(() => subscribe(this));
        }
    }

    /// <summary>
    /// Begins the retired room's teardown, once: true for exactly one caller, who gets the subscription to end (if one
    /// was ever started).
    /// </summary>
    public bool TryBeginRetirement(out Task<IAsyncDisposable?>? subscription)
    {
        subscription = null;
        if (!IsRetired || Interlocked.Exchange(ref _retirementStarted, 1) != 0)
        {
            return false;
        }

        lock (_lifeGate)
        {
            subscription = _subscription;
            _subscription = null;
        }

        return true;
    }

    /// <summary>Hands the same frame at once to every protocol v1 member but <paramref name="skip"/>.</summary>
    public void BroadcastV1(PresenceFrame frame, PresenceConnection? skip = null)
    {
        // A room of v2 members only, as with the board, is not walked for every cursor move.
        if (!HasV1Members)
        {
            return;
        }

        foreach (var member in Members)
        {
            if (member != skip && member.Version == PresenceProtocolVersion.V1)
            {
                member.Outbox.Enqueue(frame);
            }
        }
    }

    /// <summary>Hands the same tick frame to every protocol v2 member.</summary>
    public void BroadcastV2(PresenceFrame frame)
    {
        foreach (var member in Members)
        {
            if (member.Version == PresenceProtocolVersion.V2)
            {
                member.Outbox.Enqueue(frame);
            }
        }
    }

    // What follows is the directory's: it calls these under the lock of the room's stripe, and only it does.

    /// <summary>Adds a member; one with the same id is replaced and returned.</summary>
    internal PresenceConnection? AddLocked(PresenceConnection connection)
    {
        if (_byId.Remove(connection.Id, out var replaced))
        {
            replaced.IsMember = false;
            CountVersion(replaced, -1);
        }

        _byId.Add(connection.Id, connection);
        connection.IsMember = true;
        CountVersion(connection, +1);
        Volatile.Write(ref _members, [.. _byId.Values]);
        return replaced;
    }

    /// <summary>Removes a member if it still is one: a replaced connection is not, and its removal changes nothing.</summary>
    internal bool RemoveLocked(PresenceConnection connection)
    {
        if (!_byId.TryGetValue(connection.Id, out var current) || current != connection)
        {
            return false;
        }

        _byId.Remove(connection.Id);
        connection.IsMember = false;
        CountVersion(connection, -1);
        Volatile.Write(ref _members, [.. _byId.Values]);
        return true;
    }

    internal bool IsEmptyLocked => _byId.Count == 0;

    /// <summary>Tells whether the connection would be a new member (no member has its id) in a room of this many already.</summary>
    internal bool WouldExceedLocked(PresenceConnection connection, int maximum) =>
        _byId.Count >= maximum && !_byId.ContainsKey(connection.Id);

    internal PresenceConnection? FindLocked(string id) => _byId.GetValueOrDefault(id);

    internal void RetireLocked()
    {
        lock (_lifeGate)
        {
            Volatile.Write(ref _retired, true);
        }
    }

    private void CountVersion(PresenceConnection connection, int delta)
    {
        if (connection.Version == PresenceProtocolVersion.V2)
        {
            Volatile.Write(ref _v2Members, _v2Members + delta);
        }
        else
        {
            Volatile.Write(ref _v1Members, _v1Members + delta);
        }
    }
}
