using Presence.Internal;

namespace Presence;

// The room API: what application code reads of the rooms and does to them. Reads go to the roster, overlaid with the
// local members as they are now; what is done to a participant is done here to its local connections, and asked of
// the other instances through the room's channel (a control message, which no client ever receives).
public sealed partial class PresenceEngine : IPresenceRooms
{
    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PresenceRoomSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rooms = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_roster is IPresenceRoomListing listing)
        {
            try
            {
                foreach (var room in await listing.ListRoomsAsync(cancellationToken).ConfigureAwait(false))
                {
                    rooms[room.Name] = room.Participants;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                StoreFailed("list", "*", ex);
            }
        }

        // This instance's members count too: while the store is away (when the listing knows nothing), and before a
        // joiner's claim has reached it.
        foreach (var room in _rooms.Rooms)
        {
            if (room.Members.Length > rooms.GetValueOrDefault(room.Name))
            {
                rooms[room.Name] = room.Members.Length;
            }
        }

        return [.. rooms.Select(static r => new PresenceRoomSummary(r.Key, r.Value))];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PresenceUser>> GetParticipantsAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (!PresenceRules.TryCleanRoom(room, out var name))
        {
            return [];
        }

        IReadOnlyList<PresenceUser> stored;
        try
        {
            stored = await _roster.SnapshotAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store is away: this instance's members are what can be known.
            StoreFailed("snapshot", name, ex);
            stored = [];
        }

        var clean = new List<PresenceUser>(stored.Count);
        foreach (var user in stored)
        {
            if (PresenceRules.TryCleanUser(user, out var cleaned))
            {
                clean.Add(cleaned);
            }
        }

        return _rooms.Find(name) is { } local ? WithLocalMembers(local, clean, joiner: null) : clean;
    }

    /// <inheritdoc />
    public async ValueTask<bool> KickAsync(string room, string participantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participantId);
        if (!PresenceRules.TryCleanRoom(room, out var name) || !PresenceRules.IsIdentifier(participantId))
        {
            return false;
        }

        var at = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var found = KickLocally(name, participantId, at);
        await TellOthersAsync(name, ControlMessage.Kick(participantId, at)).ConfigureAwait(false);
        return found || await IsInRosterAsync(name, participantId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(string room, string name, PresenceState data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        if (!PresenceRules.IsIdentifier(name))
        {
            throw new ArgumentException("An event's name is 1 to 64 characters of [A-Za-z0-9_-].", nameof(name));
        }

        if (!PresenceRules.TryCleanRoom(room, out var roomName))
        {
            return;
        }

        var message = FrameEncoder.Message(new EventMessage(name, data));
        if (_rooms.Find(roomName) is { } local)
        {
            // With the room's other events, in their order: at once to v1 members, with the tick to v2 members and
            // to the other instances.
            Announce(local, message, participantId: string.Empty, isCursor: false, skip: null);
            return;
        }

        await PublishAsync(roomName, message).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<bool> SetInfoAsync(string room, string participantId, PresenceState? info, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participantId);
        if (!PresenceRules.TryCleanRoom(room, out var name) || !PresenceRules.IsIdentifier(participantId))
        {
            return false;
        }

        var at = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var found = SetInfoLocally(name, participantId, info, at);
        await TellOthersAsync(name, ControlMessage.Info(participantId, at, info)).ConfigureAwait(false);
        return found || await IsInRosterAsync(name, participantId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes the local member with this id as kicked, when it connected by <paramref name="at"/>: its departure then
    /// tells everyone it left. A connection that opened later came after the kick, and stays.
    /// </summary>
    private bool KickLocally(string room, string id, long at)
    {
        if (_rooms.Find(room) is not { } local || _rooms.FindMember(local, id) is not { } member)
        {
            // Gone, but in its grace period: it leaves with the next maintenance pass rather than at the period's end.
            return _lingering.Expedite(room, id);
        }

        if (OpenedAfter(member, at))
        {
            return false;
        }

        Log.Kicked(_logger, id, room);

        // Its other tabs first, so that none takes its place.
        foreach (var follower in _rooms.TakeFollowers(local, id))
        {
            follower.BeginClose(PresenceCloseStatus.Kicked);
        }

        member.BeginClose(PresenceCloseStatus.Kicked);

        // The participant leaves now, not once its client answers the close (which a hostile one never does): out of
        // the room, nothing it still sends is relayed, and everyone gets its leave. Its receive loop's own leave then
        // finds it gone already.
        _ = LeaveKickedAsync(member);
        return true;
    }

    private async Task LeaveKickedAsync(PresenceConnection member)
    {
        try
        {
            await LeaveAsync(member).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("release", member.RoomName, ex);
        }
    }

    /// <summary>
    /// Sets the local member's info, when it connected by <paramref name="at"/>, then writes it and tells the room, as a
    /// <c>hello</c> would. Info lasts for the connections it was set on, and the later tabs of a signed-in user, which
    /// join the participant as it is; a later connection of a participant that left starts with what its join gave.
    /// </summary>
    private bool SetInfoLocally(string room, string id, PresenceState? info, long at)
    {
        if (_rooms.Find(room) is not { } local || _rooms.FindMember(local, id) is not { } member || OpenedAfter(member, at))
        {
            return false;
        }

        var next = info is { IsEmpty: false } ? info : null;
        lock (member.UserGate)
        {
            var current = member.User;
            member.Update(current with { Info = next, UpdatedAt = Now() }, textChanged: false);
        }

        _ = ReleasePresenceAsync(member);
        return true;
    }

    /// <summary>A control message from another instance, done here for a local member, never relayed to a client.</summary>
    private void OnRemoteControl(PresenceRoom room, ReadOnlySpan<byte> element)
    {
        if (!ControlMessage.TryParse(element, out var operation, out var id, out var at, out var info))
        {
            Log.RemoteMessageIgnored(_logger, room.Name);
            return;
        }

        _ = operation == ControlOperation.Kick ? KickLocally(room.Name, id, at) : SetInfoLocally(room.Name, id, info, at);
    }

    private static bool OpenedAfter(PresenceConnection member, long at) =>
        RosterSessions.TryGetOpenedAt(member.Session, out var opened) && opened > at;

    private ValueTask TellOthersAsync(string room, byte[] control) => _backplane is null ? default : PublishAsync(room, control);

    private async ValueTask PublishAsync(string room, byte[] message)
    {
        if (_backplane is null)
        {
            return;
        }

        try
        {
            await _backplane.PublishAsync(room, new PresenceBatch(message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("publish", room, ex);
        }
    }

    private async ValueTask<bool> IsInRosterAsync(string room, string id, CancellationToken cancellationToken)
    {
        try
        {
            var users = await _roster.SnapshotAsync(room, cancellationToken).ConfigureAwait(false);
            return users.Any(u => u.Id == id);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            StoreFailed("snapshot", room, ex);
            return false;
        }
    }
}
