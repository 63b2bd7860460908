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
    private int _v1Members;
    private int _v2Members;

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

    /// <summary>Gets the events gathered for the next v2 tick.</summary>
    public RoomBatch Batch { get; } = new();

    /// <summary>Gets a value telling whether any member speaks protocol v2, and so needs the tick's frames.</summary>
    public bool HasV2Members => Volatile.Read(ref _v2Members) > 0;

    /// <summary>Gets a value telling whether any member speaks protocol v1, and so gets each event at once.</summary>
    public bool HasV1Members => Volatile.Read(ref _v1Members) > 0;

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
                CountVersion(previous, -1);
            }

            _byId.Add(connection.Id, connection);
            CountVersion(connection, +1);
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
            CountVersion(connection, -1);
            Volatile.Write(ref _members, [.. _byId.Values]);
            if (_byId.Count == 0)
            {
                _retired = true;
                retired = true;
            }

            return true;
        }
    }

    /// <summary>Hands the same frame at once to every protocol v1 member but <paramref name="skip"/>.</summary>
    public void BroadcastV1(in OutboundFrame frame, PresenceConnection? skip = null)
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
    public void BroadcastV2(in OutboundFrame frame)
    {
        foreach (var member in Members)
        {
            if (member.Version == PresenceProtocolVersion.V2)
            {
                member.Outbox.Enqueue(frame);
            }
        }
    }

    private void CountVersion(PresenceConnection connection, int delta)
    {
        if (connection.Version == PresenceProtocolVersion.V2)
        {
            _v2Members += delta;
        }
        else
        {
            _v1Members += delta;
        }
    }
}
