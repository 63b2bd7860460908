using Presence.Internal;

namespace Presence;

// Recovery after the store was away: other instances' participants may have come and gone unseen, and the store may
// have come back empty.
public sealed partial class PresenceEngine
{
    private Task? _resynchronization;

    // One at a time, started by the maintenance loop when the store is reachable again; false while one runs, whose
    // writes may have been lost to the newer outage: the loop asks again on its next pass.
    private bool TryStartResynchronization()
    {
        if (_resynchronization is null || _resynchronization.IsCompleted)
        {
            _resynchronization = ResynchronizeAsync(_stopping.Token);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Brings this instance and its clients back in line with the store: every local participant is written again
    /// (claimed again where the store lost it) and announced to the other instances; then, after
    /// <see cref="PresenceOptions.ResyncDelay"/> (time for the other instances to do the same), every local client
    /// receives a fresh snapshot, which replaces its roster.
    /// </summary>
    internal async Task ResynchronizeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var writes = new List<(PresenceConnection Connection, ValueTask<RosterWrite> Write)>();
            WriteEveryMember(writes);
            await CompleteWritesAsync(writes, announceIfOwned: true).ConfigureAwait(false);

            await Task.Delay(_options.ResyncDelay, _timeProvider, cancellationToken).ConfigureAwait(false);

            foreach (var room in _rooms.Rooms)
            {
                var users = await SnapshotAsync(room).ConfigureAwait(false);
                foreach (var member in room.Listeners)
                {
                    if (member.IsMember || member.IsFollower)
                    {
                        member.Outbox.Enqueue(new PresenceFrame(SnapshotFrame(member, users)));
                    }
                }
            }

            Log.Resynchronized(_logger);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.ResynchronizationFailed(_logger, ex);
        }
    }
}
