using Presence.Internal;

namespace Presence;

// Messages from other instances are untrusted: parsed, cleaned by the same rules as client input, and encoded again,
// so that whatever reaches a client is well-formed and bounded. A message is a v1 object or a v2 batch (an array of
// them). A snapshot is not an event and is dropped. Called by the backplane's listener: nothing here may throw into it.
public sealed partial class PresenceEngine
{
    private void OnRemoteMessage(PresenceRoom room, ReadOnlyMemory<byte> payload)
    {
        try
        {
            if (!PresenceBatchReader.TryForEach(payload, (room, engine: this), static (state, element) => state.engine.OnRemoteEvent(state.room, element)))
            {
                Log.RemoteMessageIgnored(_logger, room.Name);
            }
        }
        catch (Exception ex)
        {
            Log.RemoteMessageFailed(_logger, room.Name, ex);
        }
    }

    private void OnRemoteEvent(PresenceRoom room, ReadOnlySpan<byte> element)
    {
        if (ControlMessage.IsControl(element))
        {
            OnRemoteControl(room, element);
            return;
        }

        if (!PresenceProtocol.TryParseServerMessage(element, out var message))
        {
            Log.RemoteMessageIgnored(_logger, room.Name);
            return;
        }

        switch (message)
        {
            case PresenceMessage or CursorMessage when IsStale(room, message):
                // Published before this instance let the participant go, and delivered after its local leave.
                break;
            case PresenceMessage { User: var user } when PresenceRules.TryCleanUser(user, out var clean):
                // Another tab of a local signed-in member, on another instance: one participant, newest news first.
                if (!TryJoinRemote(room, clean, whole: true))
                {
                    break;
                }

                // Someone else connected with a local member's id: a reconnect elsewhere, most likely. Relayed first:
                // should the local member still own the participant, it announces itself after this.
                AnnounceLocally(room, FrameEncoder.Message(new PresenceMessage(clean)), clean.Id, isCursor: false);
                VerifyOwnershipOf(room, clean.Id);
                break;
            case CursorMessage { User: var user } when PresenceRules.TryCleanUser(user, out var clean):
                if (TryJoinRemote(room, clean, whole: false))
                {
                    AnnounceLocally(room, FrameEncoder.Message(new CursorMessage(clean)), clean.Id, isCursor: true);
                }

                break;
            case LeaveMessage { Id: var id } when PresenceRules.IsIdentifier(id):
                // A local member is here, whatever another instance says: it checks its claim, and its clients keep it.
                if (VerifyOwnershipOf(room, id))
                {
                    break;
                }

                AnnounceLocally(room, FrameEncoder.Message(new LeaveMessage(id)), id, isCursor: false);
                break;
            case EventMessage { Name: var name } when PresenceRules.IsIdentifier(name):
                AnnounceLocally(room, FrameEncoder.Message(message), string.Empty, isCursor: false);
                break;
            default:
                Log.RemoteMessageIgnored(_logger, room.Name);
                break;
        }
    }

    /// <summary>
    /// When a local member shares its participant with tabs elsewhere, takes what another instance says of it into
    /// the member's fields (all of them from a <c>presence</c>, the cursor's from a <c>cursor</c>), so that what this
    /// instance writes, snapshots and announces of the participant is its newest. False when the member's fields are
    /// newer: the event is dropped, and for a <c>presence</c> the member announces itself again, so that every instance
    /// ends on the newest. An older cursor is only dropped: the next move settles it, and two tabs moving at once must
    /// not turn each move into an announcement.
    /// </summary>
    private bool TryJoinRemote(PresenceRoom room, PresenceUser remote, bool whole)
    {
        if (!room.HasSharedMembers || _rooms.FindMember(room, remote.Id) is not { IsShared: true } member)
        {
            return true;
        }

        bool newer;
        lock (member.UserGate)
        {
            var current = member.User;
            newer = remote.UpdatedAt >= current.UpdatedAt;
            if (newer)
            {
                var next = whole
                    ? remote
                    : current with { Name = remote.Name, Color = remote.Color, X = remote.X, Y = remote.Y, UpdatedAt = remote.UpdatedAt };
                member.Update(next, textChanged: next.Name != current.Name || next.Color != current.Color);
            }
        }

        if (newer)
        {
            // Written from here too, on the usual throttle: the tab that made the change may leave before its own write,
            // and this copy is then the newest the roster can get.
            SchedulePersistence(member);
            return true;
        }

        if (whole)
        {
            Log.RemoteEventOlder(_logger, remote.Id, room.Name);
            AnnouncePresence(member, toSelf: false);
        }

        return false;
    }

    private bool IsStale(PresenceRoom room, ServerMessage message)
    {
        var user = message is PresenceMessage presence ? presence.User : ((CursorMessage)message).User;
        return user.Id is { } id && _departures.IsStale(room.Name, id, user.UpdatedAt);
    }

    /// <summary>
    /// When a local member has this id, checks in the background that it still owns its participant: taken over, it is
    /// closed as replaced; otherwise it announces itself again, so that everyone converges on its state. True when a
    /// local member has the id.
    /// </summary>
    private bool VerifyOwnershipOf(PresenceRoom room, string id)
    {
        if (_rooms.FindMember(room, id) is not { } member)
        {
            return false;
        }

        if (member.TryStartVerifying())
        {
            _ = VerifyOwnershipAsync(member);
        }

        return true;
    }

    private async Task VerifyOwnershipAsync(PresenceConnection connection)
    {
        try
        {
            if (TryWrite(connection, out var write))
            {
                // A shared member's news reach it as they come (TryJoinRemote): it has nothing to repeat.
                await HandleWriteAsync(connection, await write.ConfigureAwait(false), announceIfOwned: !connection.IsShared).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            StoreFailed("verify", connection.RoomName, ex);
        }
        finally
        {
            connection.EndVerifying();
        }
    }
}
