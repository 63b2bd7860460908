using Presence.Internal;

namespace Presence;

// Recovery after the store was away: other instances' participants may have come and gone unseen.
public sealed partial class PresenceEngine
{
    /// <summary>
    /// Brings this instance and its clients back in line with the store after an outage: every local participant
    /// is written again and announced to the other instances with <c>presence</c>; then, after
    /// <paramref name="settleDelay"/> (time for the other instances to do the same), every local client receives a
    /// fresh snapshot, which replaces its roster.
    /// </summary>
    /// <param name="settleDelay">How long to wait between re-announcing and re-reading.</param>
    /// <param name="cancellationToken">Stops the resynchronisation.</param>
    /// <returns>A task that completes when every local client has its new snapshot.</returns>
    public async Task ResynchronizeAsync(TimeSpan settleDelay, CancellationToken cancellationToken = default)
    {
        foreach (var room in _rooms.Values)
        {
            foreach (var member in room.Members)
            {
                if (member.IsMember)
                {
                    await UpsertAsync(room.Name, member.User).ConfigureAwait(false);
                    await PublishAsync(room.Name, FrameEncoder.Presence(member.Text, member.User)).ConfigureAwait(false);
                }
            }
        }

        await Task.Delay(settleDelay, _timeProvider, cancellationToken).ConfigureAwait(false);

        foreach (var room in _rooms.Values)
        {
            var users = await SnapshotAsync(room).ConfigureAwait(false);
            foreach (var member in room.Members)
            {
                if (member.IsMember)
                {
                    member.Outbox.Enqueue(new OutboundFrame(SnapshotFrame(member, users)));
                }
            }
        }
    }
}
