using Presence.Internal;

namespace Presence;

// Every call into the roster and the backplane goes through here: a failing store is logged and never ends a
// connection or a loop, so that local clients keep being served while the store is away.
public sealed partial class PresenceEngine
{
    /// <summary>A call into the store or the backplane failed: logged and counted, and the caller goes on.</summary>
    private void StoreFailed(string operation, string room, Exception exception)
    {
        _metrics.StoreFailed(operation);
        Log.StoreFailed(_logger, operation, room, exception);
    }

    // A claim that fails counts as a claim of a participant nobody else had: the connection announces it.
    private ValueTask<PresenceUser?> ClaimAsync(PresenceConnection connection)
    {
        try
        {
            var claim = _roster.ClaimAsync(connection.RoomName, connection.User, connection.Session, connection.SessionMode);
            return claim.IsCompletedSuccessfully ? claim : AwaitAsync(claim, connection.RoomName);
        }
        catch (Exception ex)
        {
            StoreFailed("claim", connection.RoomName, ex);
            return default;
        }

        async ValueTask<PresenceUser?> AwaitAsync(ValueTask<PresenceUser?> pending, string room)
        {
            try
            {
                return await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                StoreFailed("claim", room, ex);
                return null;
            }
        }
    }

    // A write that fails counts as written: the next refresh tries again.
    private ValueTask<RosterWrite> UpdateAsync(PresenceConnection connection)
    {
        try
        {
            var write = _roster.UpdateAsync(connection.RoomName, connection.User, connection.Session, connection.SessionMode);
            return write.IsCompletedSuccessfully ? write : AwaitAsync(write, connection.RoomName);
        }
        catch (Exception ex)
        {
            StoreFailed("update", connection.RoomName, ex);
            return new(RosterWrite.Written);
        }

        async ValueTask<RosterWrite> AwaitAsync(ValueTask<RosterWrite> pending, string room)
        {
            try
            {
                return await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                StoreFailed("update", room, ex);
                return RosterWrite.Written;
            }
        }
    }

    // A removal that fails counts as done: the local clients are told, and the participant goes stale in the store.
    private ValueTask<bool> ReleaseAsync(PresenceConnection connection)
    {
        try
        {
            var release = _roster.ReleaseAsync(connection.RoomName, connection.Id, connection.Session);
            return release.IsCompletedSuccessfully ? release : AwaitAsync(release, connection.RoomName);
        }
        catch (Exception ex)
        {
            StoreFailed("release", connection.RoomName, ex);
            return new(true);
        }

        async ValueTask<bool> AwaitAsync(ValueTask<bool> pending, string room)
        {
            try
            {
                return await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                StoreFailed("release", room, ex);
                return true;
            }
        }
    }

    // The roster's snapshot overlaid with the local members as they are now: the roster holds cursors only as fresh as
    // the persistence throttle, and a joiner must not see a local participant where it stood before its last move.
    private async ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(PresenceRoom room, PresenceConnection? joiner = null)
    {
        IReadOnlyList<PresenceUser> stored;
        try
        {
            stored = await _roster.SnapshotAsync(room.Name).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("snapshot", room.Name, ex);
            stored = [];
        }

        return WithLocalMembers(room, stored, joiner);
    }

    /// <summary>What the roster holds of the room, overlaid with the local members as they are now.</summary>
    private PresenceUser[] WithLocalMembers(PresenceRoom room, IReadOnlyList<PresenceUser> stored, PresenceConnection? joiner)
    {
        // A participant leaving this instance is left out: the roster may not have let it go yet, and its leave may
        // go to an older room of the same name than the one this snapshot is for.
        var users = new Dictionary<string, PresenceUser>(stored.Count + 1, StringComparer.Ordinal);
        foreach (var user in stored)
        {
            if (joiner is null ? !_departures.IsDeparting(room.Name, user.Id) : !_departures.LeaveOut(room.Name, user.Id, joiner))
            {
                users[user.Id] = user;
            }
        }

        foreach (var member in room.Members)
        {
            if (member.IsMember)
            {
                users[member.Id] = member.User;
            }
        }

        return [.. users.Values];
    }

    // A failed subscription was logged where it failed; the room serves its local members all the same.
    private Task EnsureSubscribedAsync(PresenceRoom room) =>
        _backplane is null ? Task.CompletedTask : room.GetOrStartSubscription(SubscribeAsync);

    private async Task<IAsyncDisposable?> SubscribeAsync(PresenceRoom room)
    {
        try
        {
            return await _backplane!.SubscribeAsync(room.Name, message => OnRemoteMessage(room, message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            StoreFailed("subscribe", room.Name, ex);
            return null;
        }
    }

    private async ValueTask UnsubscribeAsync(PresenceRoom room, Task<IAsyncDisposable?>? pending)
    {
        if (pending is null)
        {
            return;
        }

        try
        {
            if (await pending.ConfigureAwait(false) is { } subscription)
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            StoreFailed("unsubscribe", room.Name, ex);
        }
    }
}
