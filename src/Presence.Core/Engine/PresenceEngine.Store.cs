using Presence.Internal;

namespace Presence;

// Every call into the store goes through here: a failing store is logged and never ends a connection, so that
// local clients keep being served while the store is away.
public sealed partial class PresenceEngine
{
    private async ValueTask UpsertAsync(string room, PresenceUser user)
    {
        try
        {
            await _store.UpsertAsync(room, user).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "upsert", room, ex);
        }
    }

    private async ValueTask<bool> RemoveAsync(string room, string id)
    {
        try
        {
            return await _store.RemoveAsync(room, id).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "remove", room, ex);
            return true;
        }
    }

    private async ValueTask PublishAsync(string room, byte[] message)
    {
        try
        {
            await _store.PublishAsync(room, message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "publish", room, ex);
        }
    }

    // The store's roster overlaid with the local members as they are now: the store holds cursors only as fresh
    // as the persistence throttle, and a joiner must not see a local participant where it stood before its last
    // move. Without a store, the local members alone.
    private async ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(PresenceRoom room)
    {
        IReadOnlyList<PresenceUser> stored;
        try
        {
            stored = await _store.SnapshotAsync(room.Name).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "snapshot", room.Name, ex);
            stored = [];
        }

        var users = new Dictionary<string, PresenceUser>(stored.Count + 1, StringComparer.Ordinal);
        foreach (var user in stored)
        {
            users[user.Id] = user;
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

    private Task<IAsyncDisposable?> EnsureSubscribedAsync(PresenceRoom room) => room.GetOrStartSubscription(this);

    internal async Task<IAsyncDisposable?> SubscribeAsync(PresenceRoom room)
    {
        try
        {
            return await _store.SubscribeAsync(room.Name, message => OnRemoteMessage(room, message)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(_logger, "subscribe", room.Name, ex);
            return null;
        }
    }

    private async ValueTask UnsubscribeAsync(PresenceRoom room)
    {
        if (room.Subscription is not { } pending)
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
            Log.StoreFailed(_logger, "unsubscribe", room.Name, ex);
        }
    }

    // Messages from other instances are untrusted: parsed, cleaned by the same rules as client input, and encoded
    // again, so that whatever reaches a client is well-formed and bounded. A message is a v1 object or a v2 batch
    // (an array of them). A snapshot is not an event and is dropped.
    private void OnRemoteMessage(PresenceRoom room, ReadOnlyMemory<byte> payload)
    {
        if (!PresenceBatchReader.TryForEach(payload, (room, engine: this), static (state, element) => state.engine.OnRemoteEvent(state.room, element)))
        {
            Log.RemoteMessageIgnored(_logger, room.Name);
        }
    }

    private void OnRemoteEvent(PresenceRoom room, ReadOnlySpan<byte> element)
    {
        if (!PresenceProtocol.TryParseServerMessage(element, out var message))
        {
            Log.RemoteMessageIgnored(_logger, room.Name);
            return;
        }

        switch (message)
        {
            case PresenceMessage { User: var user } when PresenceRules.TryCleanUser(user, out var clean):
                AnnounceRemote(room, FrameEncoder.Message(new PresenceMessage(clean)), clean.Id, isCursor: false);
                break;
            case CursorMessage { User: var user } when PresenceRules.TryCleanUser(user, out var clean):
                AnnounceRemote(room, FrameEncoder.Message(new CursorMessage(clean)), clean.Id, isCursor: true);
                break;
            case LeaveMessage { Id: var id } when PresenceRules.IsIdentifier(id):
                AnnounceRemote(room, FrameEncoder.Message(new LeaveMessage(id)), id, isCursor: false);
                break;
            default:
                Log.RemoteMessageIgnored(_logger, room.Name);
                break;
        }
    }
}
