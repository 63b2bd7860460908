using Presence.Internal;

namespace Presence;

// The background loop: throttled cursor persistence, and refreshes that keep idle participants from going stale.
public sealed partial class PresenceEngine
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<PresenceConnection> _persistQueue = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _maintenance;
    private int _maintenanceStarted;

    private void SchedulePersistence(PresenceConnection connection)
    {
        if (connection.TryMarkForPersistence())
        {
            _persistQueue.Enqueue(connection);
        }
    }

    private void EnsureMaintenanceStarted()
    {
        if (Interlocked.Exchange(ref _maintenanceStarted, 1) == 0)
        {
            _maintenance = Task.Run(MaintainAsync);
            _ticks = Task.Run(TickAsync);
        }
    }

    private async Task StopMaintenanceAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_maintenance is { } maintenance)
        {
            await maintenance.ConfigureAwait(false);
        }

        if (_ticks is { } ticks)
        {
            await ticks.ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task MaintainAsync()
    {
        using var timer = new PeriodicTimer(_options.CursorPersistInterval, _timeProvider);
        var lastRefresh = _timeProvider.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                await PersistMovedAsync().ConfigureAwait(false);
                if (_timeProvider.GetElapsedTime(lastRefresh) >= _options.RefreshInterval)
                {
                    lastRefresh = _timeProvider.GetTimestamp();
                    await RefreshAllAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.MaintenanceFailed(_logger, ex);
        }
    }

    // At most one write per participant per interval: a participant marked again while this runs waits for the next tick.
    private async Task PersistMovedAsync()
    {
        for (var pending = _persistQueue.Count; pending > 0 && _persistQueue.TryDequeue(out var connection); pending--)
        {
            connection.ClearPersistenceMark();
            if (connection.IsMember)
            {
                await UpsertAsync(connection.RoomName, connection.User).ConfigureAwait(false);
            }
        }
    }

    private async Task RefreshAllAsync()
    {
        foreach (var room in _rooms.Values)
        {
            foreach (var member in room.Members)
            {
                if (member.IsMember)
                {
                    await UpsertAsync(room.Name, member.User).ConfigureAwait(false);
                }
            }
        }
    }
}
