using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// The instance's life in the fleet: a heartbeat (a liveness key whose TTL is half the crash-cleanup deadline,
/// renewed at a fifth of it), a sweep that removes the participants of instances whose liveness key expired and
/// announces their departure, and, when Redis returns from an outage, the releases and subscriptions it missed.
/// </summary>
/// <remarks>
/// An instance killed without a word stops renewing its key; it expires at most half the deadline after the last
/// beat, and the next sweep, at most a fifth later, finds it: the departure goes out within the deadline. Each pass
/// fails alone and is logged; the next one runs as usual.
/// </remarks>
internal sealed partial class RedisPresenceMaintenance(
    RedisConnection redis,
    RedisPresenceRoster roster,
    RedisPresenceBackplane backplane,
    TimeProvider timeProvider,
    ILogger<RedisPresenceMaintenance> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await redis.GetConnectionAsync().ConfigureAwait(false);
        using var timer = new PeriodicTimer(redis.Options.CrashCleanupTimeout / 5, timeProvider);
        do
        {
            try
            {
                redis.TryEndOutage();
                await roster.ReplayPendingReleasesAsync().ConfigureAwait(false);

                await backplane.SubscribePendingAsync().ConfigureAwait(false);
                await backplane.SettleUnsubscribedAsync().ConfigureAwait(false);
                await BeatAsync().ConfigureAwait(false);
                await SweepAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.MaintenanceFailed(logger, ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async ValueTask<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task BeatAsync()
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return;
        }

        var outages = redis.Outages;
        var db = connection.GetDatabase();
        await db.StringSetAsync(keys.Liveness(redis.InstanceId), 1, redis.Options.CrashCleanupTimeout / 2).ConfigureAwait(false);
        await db.SortedSetAddAsync(keys.Instances, redis.InstanceId, redis.Now()).ConfigureAwait(false);
        redis.Beaten(outages);
        await roster.RestoreSharedSecretAsync().ConfigureAwait(false);
    }

    private async Task SweepAsync()
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return;
        }

        var db = connection.GetDatabase();
        foreach (var instance in await db.SortedSetRangeByRankAsync(keys.Instances).ConfigureAwait(false))
        {
            var id = (string?)instance;
            if (id is { Length: > 0 } && id != redis.InstanceId && !await db.KeyExistsAsync(keys.Liveness(id)).ConfigureAwait(false))
            {
                await CleanUpAsync(db, keys, id).ConfigureAwait(false);
            }
        }
    }

    // One survivor takes the lock and cleans up, room by room, each in one script. The departures it publishes name the
    // dead instance as their origin, so that every live instance, this one included, passes them on to its clients.
    // The lock lasts half the deadline: should the sweeper die too, another one sweeps in time. Two sweeps that overlap
    // are harmless, since each removal and its departure are one script.
    private async Task CleanUpAsync(IDatabase db, RedisKeys keys, string dead)
    {
        if (!await db.StringSetAsync(keys.Sweeper(dead), redis.InstanceId, redis.Options.CrashCleanupTimeout / 2, When.NotExists).ConfigureAwait(false))
        {
            return;
        }

        var prefix = RedisEnvelope.Prefix(dead);
        var removed = 0;
        foreach (var member in await db.SetMembersAsync(keys.InstanceRooms(dead)).ConfigureAwait(false))
        {
            if (!PresenceRules.TryCleanRoom((string?)member, out var room) || room != (string?)member)
            {
                continue;
            }

            var ids = (RedisResult[])(await db.ScriptEvaluateAsync(
                RedisScripts.Sweep,
                keys.Roster(room),
                [dead, keys.Channel(room).ToString(), prefix, keys.IsSharded(room) ? "1" : "0"]).ConfigureAwait(false))!;
            removed += ids.Length;
        }

        await db.KeyDeleteAsync(keys.InstanceRooms(dead)).ConfigureAwait(false);
        await db.SortedSetRemoveAsync(keys.Instances, dead).ConfigureAwait(false);
        Log.CleanedUp(logger, dead, removed);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Instance {Instance} stopped beating; removed its {Count} participants and announced their departure.", EventName = "CleanedUp")]
        public static partial void CleanedUp(ILogger logger, string instance, int count);

        [LoggerMessage(3, LogLevel.Warning, "A heartbeat, sweep or recovery pass failed; it runs again at the next beat.", EventName = "MaintenanceFailed")]
        public static partial void MaintenanceFailed(ILogger logger, Exception exception);
    }
}
