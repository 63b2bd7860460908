namespace Presence.Internal;

/// <summary>
/// The local members of one room on this server instance, and the room's store subscription. A room exists
/// while it has local members: the first join creates it and subscribes, the last leave retires it.
/// </summary>
internal sealed class PresenceRoom
{
    private readonly object _gate = new();
    private readonly Dictionary<string, PresenceConnection> _byId = new(StringComparer.Ordinal);

    // Copied on every join and leave, so that a broadcast reads it without a lock or an allocation.
    private PresenceConnection[] _members = [];
    private bool _retired;

    public PresenceRoom(string name) => Name = name;

    public string Name { get; }

    /// <summary>Gets the room's store subscription, once the first join started it.</summary>
    public Task<IAsyncDisposable?>? Subscription { get; private set; }

    /// <summary>Starts the store subscription on the first call; every join awaits the same one.</summary>
    public Task<IAsyncDisposable?> GetOrStartSubscription(PresenceEngine engine)
    {
        lock (_gate)
        {
            return Subscription ??= engine.SubscribeAsync(this);
        }
    }

    public PresenceConnection[] Members => Volatile.Read(ref _members);

    /// <summary>
    /// Adds a member. Returns <see langword="false"/> when the room has been retired and a new one must be made.
    /// A member with the same id is replaced and returned in <paramref name="replaced"/>.
    /// </summary>
    public bool TryAdd(PresenceConnection connection, out PresenceConnection? replaced)
    {
        lock (_gate)
        {
            replaced = null;
            if (_retired)
            {
                return false;
            }

            if (_byId.Remove(connection.Id, out var previous))
            {
                replaced = previous;
            }

            _byId.Add(connection.Id, connection);
            Volatile.Write(ref _members, [.. _byId.Values]);
            return true;
        }
    }

    /// <summary>
    /// Removes a member if it still is one. A connection that was replaced is no longer a member, so its late
    /// departure changes nothing. <paramref name="retired"/> tells whether the room is now empty and retired.
    /// </summary>
    public bool TryRemove(PresenceConnection connection, out bool retired)
    {
        lock (_gate)
        {
            retired = false;
            if (!_byId.TryGetValue(connection.Id, out var current) || current != connection)
            {
                return false;
            }

            _byId.Remove(connection.Id);
            Volatile.Write(ref _members, [.. _byId.Values]);
            if (_byId.Count == 0)
            {
                _retired = true;
                retired = true;
            }

            return true;
        }
    }

    /// <summary>Hands the same frame to every member but <paramref name="skip"/>.</summary>
    public void Broadcast(in OutboundFrame frame, PresenceConnection? skip = null)
    {
        foreach (var member in Members)
        {
            if (member != skip)
            {
                member.Outbox.Enqueue(frame);
            }
        }
    }
}
