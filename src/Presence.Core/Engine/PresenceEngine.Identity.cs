using Presence.Internal;

namespace Presence;

// Who may be which participant: an id that someone holds now is taken over only with the proof of an earlier
// connection to it, its resume token. Anyone who reads a roster knows its ids; only their holders know the tokens.
public sealed partial class PresenceEngine
{
    /// <summary>
    /// The join request as admitted: the asked-for id, unless it is live (here, or in the roster for any instance)
    /// and the request has no valid resume token for it; then no id, and the participant gets a fresh one, told in
    /// <c>selfId</c>. A roster that does not answer in time counts as not holding it, and while the shared secret cannot
    /// be told (<paramref name="key"/> is <see langword="null"/>: the store has been unreachable since this instance
    /// started) claims are not checked: this instance serves alone then, as it would have before tokens.
    /// </summary>
    private async ValueTask<PresenceJoinRequest> AdmitIdentityAsync(PresenceJoinRequest request, string room, byte[]? key)
    {
        if (key is null
            || request.IsAuthenticated
            || !PresenceRules.TryCleanId(request.Id, out var id)
            || _resumeTokens.Verify(key, id, request.ResumeToken)
            || _resumeTokens.VerifyAny(id, request.ResumeToken)
            || !await IsHeldAsync(room, id).ConfigureAwait(false)
            || await _resumeTokens.VerifyAfterRefreshAsync(id, request.ResumeToken, JoinStoreWait).ConfigureAwait(false))
        {
            return request;
        }

        Log.ClaimRefused(_logger, id, room);
        _metrics.ClaimRefused();
        return request with { Id = null };
    }

    private async ValueTask<bool> IsHeldAsync(string room, string id)
    {
        if (_rooms.Find(room) is { } local && _rooms.FindMember(local, id) is not null)
        {
            return true;
        }

        try
        {
            var users = await _roster.SnapshotAsync(room).AsTask().WaitAsync(JoinStoreWait, _timeProvider).ConfigureAwait(false);
            return users.Any(u => u.Id == id);
        }
        catch (Exception ex)
        {
            StoreFailed("snapshot", room, ex);
            return false;
        }
    }
}
