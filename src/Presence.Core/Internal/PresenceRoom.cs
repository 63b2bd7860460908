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

    // A signed-in participant's further connections on this instance (its other tabs), oldest first: they hear the room
    // as members do, and what they send is their participant's (docs/identity.md).
    private readonly List<PresenceConnection> _followers = [];

    // Copied on every join and leave, so that a broadcast reads them without a lock or an allocation.
    private PresenceConnection[] _members = [];
    private PresenceConnection[] _listeners = [];
    private int _v1Members;
    private bool _hasSharedMembers;
    private int _v2Members;
    private Task<IAsyncDisposable?>? _subscription;
    private bool _retired;
    private int _retirementStarted;

    public PresenceRoom(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the members: one connection per participant, the one that owns it in the roster.</summary>
    public PresenceConnection[] Members => Volatile.Read(ref _members);

    /// <summary>Gets every connection that hears the room: the members, and the followers of signed-in members.</summary>
    public PresenceConnection[] Listeners => Volatile.Read(ref _listeners);

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

    /// <summary>
    /// Gets a value telling whether any member shares its participant with other connections (a signed-in user's tabs,
    /// maybe on other instances): only then is a remote event looked up among the members.
    /// </summary>
    public bool HasSharedMembers => Volatile.Read(ref _hasSharedMembers);

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

    /// <summary>Hands the same frame at once to every protocol v1 member but <paramref name="skip"/>; returns how many got it.</summary>
    public int BroadcastV1(PresenceFrame frame, PresenceConnection? skip = null)
    {
        // A room of v2 members only, as with the board, is not walked for every cursor move.
        if (!HasV1Members)
        {
            return 0;
        }

        var recipients = 0;
        foreach (var member in Listeners)
        {
            if (member != skip && member.Version == PresenceProtocolVersion.V1)
            {
                member.Outbox.Enqueue(frame);
                recipients++;
            }
        }

        return recipients;
    }

    /// <summary>Hands the same tick frame to every protocol v2 member; returns how many got it.</summary>
    public int BroadcastV2(PresenceFrame frame)
    {
        var recipients = 0;
        foreach (var member in Listeners)
        {
            if (member.Version == PresenceProtocolVersion.V2)
            {
                member.Outbox.Enqueue(frame);
                recipients++;
            }
        }

        return recipients;
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
        Publish();
        return replaced;
    }

    /// <summary>
    /// Adds a further connection of the member with its id as a follower. Past <paramref name="maximum"/> connections of
    /// the participant, the oldest follower is taken out and returned, to be closed as replaced.
    /// </summary>
    internal PresenceConnection? AddFollowerLocked(PresenceConnection connection, int maximum)
    {
        PresenceConnection? dropped = null;
        if (_followers.Count(f => f.Id == connection.Id) + 1 >= maximum)
        {
            dropped = _followers.First(f => f.Id == connection.Id);
            RemoveFollowerLocked(dropped);
        }

        _followers.Add(connection);
        connection.IsFollower = true;
        CountVersion(connection, +1);
        Publish();
        return dropped;
    }

    /// <summary>Removes a follower; false when the connection is none.</summary>
    internal bool RemoveFollowerLocked(PresenceConnection connection)
    {
        if (!connection.IsFollower || !_followers.Remove(connection))
        {
            return false;
        }

        connection.IsFollower = false;
        CountVersion(connection, -1);
        Publish();
        return true;
    }

    /// <summary>Takes out every follower of the participant, as when it is kicked or moved elsewhere.</summary>
    internal List<PresenceConnection> TakeFollowersLocked(string id)
    {
        var taken = _followers.FindAll(f => f.Id == id);
        foreach (var follower in taken)
        {
            RemoveFollowerLocked(follower);
        }

        return taken;
    }

    /// <summary>
    /// Makes the oldest follower of the participant its member, as the participant is now (the member's fields): the
    /// caller has just removed <paramref name="member"/>. Done here, before the follower can act as the member.
    /// </summary>
    internal PresenceConnection? PromoteLocked(PresenceConnection member)
    {
        if (_followers.Find(f => f.Id == member.Id) is not { } successor)
        {
            return null;
        }

        lock (successor.UserGate)
        {
            successor.Update(member.User, textChanged: true);
        }

        RemoveFollowerLocked(successor);
        AddLocked(successor);
        return successor;
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
        Publish();
        return true;
    }

    internal bool IsEmptyLocked => _byId.Count == 0 && _followers.Count == 0;

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

    private void Publish()
    {
        PresenceConnection[] members = [.. _byId.Values];
        Volatile.Write(ref _members, members);
        Volatile.Write(ref _hasSharedMembers, Array.Exists(members, static m => m.IsShared));
        Volatile.Write(ref _listeners, _followers.Count == 0 ? members : [.. members, .. _followers]);
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
