using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// The instance's life in the fleet: a heartbeat (a liveness key whose TTL is half the crash-cleanup deadline,
/// renewed at a fifth of it), a sweep that removes the participants of instances whose liveness key expired and
/// announces their departure, and the recovery after a Redis outage.
/// </summary>
/// <remarks>
/// An instance killed without a word stops renewing its key; it expires at most half the deadline after the last
/// beat, and the next sweep, at most a fifth later, finds it: the departure goes out within the deadline.
/// </remarks>
internal sealed partial class RedisPresenceMaintenance(
    RedisPresenceStore store,
    PresenceEngine engine,
    TimeProvider timeProvider,
    ILogger<RedisPresenceMaintenance> logger) : BackgroundService
{
    private readonly RedisKeys _keys = store.Keys;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        store.Restored += () => RecoverAsync(stoppingToken);
        await store.GetConnectionAsync().ConfigureAwait(false);

        using var timer = new PeriodicTimer(store.Options.CrashCleanupTimeout / 5, timeProvider);
        try
        {
            do
            {
                try
                {
                    store.TryRecover();
                    await BeatAsync().ConfigureAwait(false);
                    await SweepAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    Log.MaintenanceFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task BeatAsync()
    {
        if (!store.IsAvailable)
        {
            return;
        }

        var db = (await store.GetConnectionAsync().ConfigureAwait(false)).GetDatabase();
        await db.StringSetAsync(_keys.Liveness(store.InstanceId), 1, store.Options.CrashCleanupTimeout / 2).ConfigureAwait(false);
        await db.SortedSetAddAsync(_keys.Instances, store.InstanceId, store.Now()).ConfigureAwait(false);
    }

    private async Task SweepAsync()
    {
        if (!store.IsAvailable)
        {
            return;
        }

        var db = (await store.GetConnectionAsync().ConfigureAwait(false)).GetDatabase();
        foreach (var instance in await db.SortedSetRangeByRankAsync(_keys.Instances).ConfigureAwait(false))
        {
            var id = (string)instance!;
            if (id != store.InstanceId && !await db.KeyExistsAsync(_keys.Liveness(id)).ConfigureAwait(false))
            {
                await CleanUpAsync(db, id).ConfigureAwait(false);
            }
        }
    }

    // One survivor takes the lock and cleans up; a participant that reconnected elsewhere has another owner and stays.
    private async Task CleanUpAsync(IDatabase db, string dead)
    {
        if (!await db.StringSetAsync(_keys.Sweeper(dead), store.InstanceId, TimeSpan.FromMinutes(1), When.NotExists).ConfigureAwait(false))
        {
            return;
        }

        var removed = 0;
        foreach (var room in await db.SetMembersAsync(_keys.InstanceRooms(dead)).ConfigureAwait(false))
        {
            var roomName = (string)room!;
            foreach (var owner in await db.HashGetAllAsync(_keys.Owners(roomName)).ConfigureAwait(false))
            {
                var id = (string)owner.Name!;
                if (owner.Value == dead && PresenceRules.IsIdentifier(id) && await store.RemoveOwnedAsync(db, roomName, id, dead).ConfigureAwait(false))
                {
                    await store.AnnounceLeaveAsync(roomName, id).ConfigureAwait(false);
                    removed++;
                }
            }
        }

        await db.KeyDeleteAsync(_keys.InstanceRooms(dead)).ConfigureAwait(false);
        await db.SortedSetRemoveAsync(_keys.Instances, dead).ConfigureAwait(false);
        Log.CleanedUp(logger, dead, removed);
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await store.ReplayAfterOutageAsync().ConfigureAwait(false);
            await BeatAsync().ConfigureAwait(false);
            await engine.ResynchronizeAsync(store.Options.ResyncDelay, stoppingToken).ConfigureAwait(false);
            Log.Recovered(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.MaintenanceFailed(logger, ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Instance {Instance} stopped beating; removed its {Count} participants and announced their departure.", EventName = "CleanedUp")]
        public static partial void CleanedUp(ILogger logger, string instance, int count);

        [LoggerMessage(2, LogLevel.Information, "Participants re-registered and clients resynchronised after the Redis outage.", EventName = "Recovered")]
        public static partial void Recovered(ILogger logger);

        [LoggerMessage(3, LogLevel.Debug, "A heartbeat or sweep failed; it runs again at the next beat.", EventName = "MaintenanceFailed")]
        public static partial void MaintenanceFailed(ILogger logger, Exception exception);
    }
}
