using System.Collections.Concurrent;
using Presence.Internal;

namespace Presence;

// The background loop: throttled cursor persistence, refreshes that keep idle participants from going stale, and the
// recovery after the store was away. Each pass, and each connection in it, fails alone.
public sealed partial class PresenceEngine
{
    private readonly ConcurrentQueue<PresenceConnection> _persistQueue = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _maintenance;
    private int _loopsStarted;
    private int _disposed;
    private readonly LingeringDepartures _lingering = new();
    private long _lastMaintenance;

    private void SchedulePersistence(PresenceConnection connection)
    {
        if (connection.TryMarkForPersistence())
        {
            _persistQueue.Enqueue(connection);
        }
    }

    private void EnsureLoopsStarted()
    {
        if (Interlocked.Exchange(ref _loopsStarted, 1) == 0)
        {
            _maintenance = Task.Run(MaintainAsync);
            _ticks = Task.Run(TickAsync);
        }
    }

    private async Task StopLoopsAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var loop in new[] { _maintenance, _ticks, _resynchronization })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        _stopping.Dispose();
    }

    // False once the engine stops; a timer that waits ends with it.
    private async ValueTask<bool> WaitForNextAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task MaintainAsync()
    {
        using var timer = new PeriodicTimer(_options.CursorPersistInterval, _timeProvider);
        var lastRefresh = _timeProvider.GetTimestamp();
        var wasAvailable = _storeHealth?.IsAvailable ?? true;
        var outages = _storeHealth?.Outages ?? 0;
        Volatile.Write(ref _lastMaintenance, lastRefresh);
        while (await WaitForNextAsync(timer).ConfigureAwait(false))
        {
            try
            {
                // The shared secret as the roster knows it now, so that the snapshots sent without a join (after an
                // outage) carry tokens every instance accepts.
                if (await _resumeTokens.GetKeyAsync(_options.CursorPersistInterval).ConfigureAwait(false) is not null)
                {
                    ReissueProvisionalTokens();
                }

                var writes = new List<(PresenceConnection Connection, ValueTask<RosterWrite> Write)>();
                PersistMoved(writes);
                if (_timeProvider.GetElapsedTime(lastRefresh) >= _options.RefreshInterval)
                {
                    lastRefresh = _timeProvider.GetTimestamp();
                    WriteEveryMember(writes);
                }

                await CompleteWritesAsync(writes, announceIfOwned: false).ConfigureAwait(false);
                await CompleteLingeringAsync(all: false).ConfigureAwait(false);
                _departures.Forget(Now());
                if (_memoryTrim.ShouldTrim(ConnectionCount, out var departed))
                {
                    // In the background: the server goes on while the runtime collects and gives memory back.
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
                    Log.MemoryTrimmed(_logger, departed);
                }

                var available = _storeHealth?.IsAvailable ?? true;
                var outagesNow = _storeHealth?.Outages ?? 0;
                var recovering = !wasAvailable || outagesNow != outages;
                if (!available || !recovering || TryStartResynchronization())
                {
                    outages = outagesNow;
                    wasAvailable = available;
                }
            }
            catch (Exception ex)
            {
                Log.MaintenanceFailed(_logger, ex);
            }

            Volatile.Write(ref _lastMaintenance, _timeProvider.GetTimestamp());
        }
    }

    // A client whose token was signed while the shared secret was not known could take its id back only here: a fresh
    // snapshot (which a client applies as it applies any) brings it a token every instance accepts.
    private void ReissueProvisionalTokens()
    {
        foreach (var room in _rooms.Rooms)
        {
            foreach (var member in room.Members)
            {
                if (member.HasProvisionalToken && member.IsMember)
                {
                    member.HasProvisionalToken = false;
                    _ = SnapshotLateAsync(member, room, Task.CompletedTask);
                }
            }
        }
    }

    // At most one write per participant per interval: a participant marked again while this runs waits for the next pass.
    private void PersistMoved(List<(PresenceConnection, ValueTask<RosterWrite>)> writes)
    {
        for (var pending = _persistQueue.Count; pending > 0 && _persistQueue.TryDequeue(out var connection); pending--)
        {
            connection.ClearPersistenceMark();
            if (connection.IsMember && TryWrite(connection, out var write))
            {
                writes.Add((connection, write));
            }
        }
    }

    private void WriteEveryMember(List<(PresenceConnection, ValueTask<RosterWrite>)> writes)
    {
        foreach (var room in _rooms.Rooms)
        {
            foreach (var member in room.Members)
            {
                if (TryWrite(member, out var write))
                {
                    writes.Add((member, write));
                }
            }
        }
    }

    // The writes were all issued before any is awaited, so that they travel together; each outcome is acted on alone.
    private async Task CompleteWritesAsync(List<(PresenceConnection Connection, ValueTask<RosterWrite> Write)> writes, bool announceIfOwned)
    {
        foreach (var (connection, write) in writes)
        {
            try
            {
                await HandleWriteAsync(connection, await write.ConfigureAwait(false), announceIfOwned).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                StoreFailed("update", connection.RoomName, ex);
            }
        }
    }
}
