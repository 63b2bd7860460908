using Microsoft.Extensions.DependencyInjection;
using Presence.Redis.Internal;
using Presence.Testing;
using Presence.Testing.ScaleOut;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>Real Kestrel instances on one Redis, each with its own connection and instance id, reached over WebSockets.</summary>
internal sealed class RedisScaleOutFleet : ScaleOutFleet
{
    private readonly List<KestrelPresenceServer> _instances;
    private readonly IConnectionMultiplexer _admin;
    private readonly RedisKeys _keys;
    private readonly RedisServer? _server;

    private RedisScaleOutFleet(List<KestrelPresenceServer> instances, IConnectionMultiplexer admin, RedisKeys keys, RedisServer? server)
    {
        _instances = instances;
        _admin = admin;
        _keys = keys;
        _server = server;
    }

    public override int InstanceCount => _instances.Count;

    public override bool CanRestartStore => _server is not null;

    public override TimeSpan? SinceStoreRestart => _server?.SinceLastStop;

    /// <summary>Starts a fleet; with <paramref name="restartable"/>, a sequence may restart that Redis.</summary>
    public static async Task<RedisScaleOutFleet> StartAsync(string connectionString, int instances, bool cluster, RedisServer? restartable = null)
    {
        // Each fleet has keys of its own, so that fleets on one Redis never meet.
        var prefix = "scaleout:" + Guid.NewGuid().ToString("N")[..8];
        var servers = new List<KestrelPresenceServer>();
        var traces = new List<TraceLoggerProvider>();
        for (var i = 0; i < instances; i++)
        {
            var trace = new TraceLoggerProvider(i);
            traces.Add(trace);
            var server = await KestrelPresenceServer.StartAsync(
                logs: trace,
                configure: Configure,
                presence: builder => builder.AddRedis(options =>
                {
                    options.ConnectionString = connectionString;
                    options.KeyPrefix = prefix;
                    options.UseShardedPubSub = cluster;
                }));
            await server.WaitUntilAvailableAsync();
            servers.Add(server);
        }

        // Another sequence on the same Redis may be restarting it right now: the admin connection waits it out.
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        var admin = await ConnectionMultiplexer.ConnectAsync(options);
        var fleet = new RedisScaleOutFleet(servers, admin, new RedisKeys(prefix, shardedChannels: cluster, seedLayout: !cluster), restartable);
        traces.ForEach(t => t.Attach(fleet));
        return fleet;
    }

    public override async Task RestartStoreAsync()
    {
        await _server!.StopAsync();
        await _server.StartAsync();
    }

    public override async Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version) =>
        await _instances[instance].ConnectAsync(id, name, color, room, version);

    public override bool CanSignIn => true;

    public override async Task<PresenceTestClient> ConnectSignedInAsync(int instance, string userId, string? room, PresenceProtocolVersion version) =>
        await _instances[instance].ConnectSignedInAsync(userId, room, version);

    public override IPresenceRooms Rooms(int instance) => _instances[instance].Services.GetRequiredService<IPresenceRooms>();

    // Summed over the nodes: each counts the subscribers connected to it. Unknown (-1) while Redis restarts.
    public override async Task<int> SubscriptionCountAsync(string? room)
    {
        try
        {
            return await CountSubscriptionsAsync(room);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return -1;
        }
    }

    private async Task<int> CountSubscriptionsAsync(string? room)
    {
        PresenceRules.TryCleanRoom(room, out var name);
        var channel = _keys.Channel(name!);
        var count = 0;
        foreach (var server in _admin.GetServers().Where(s => !s.IsReplica))
        {
            var kind = _keys.IsSharded(name!) ? "SHARDNUMSUB" : "NUMSUB";
            var reply = (RedisResult[])(await server.ExecuteAsync("PUBSUB", kind, channel.ToString()))!;
            count += (int)reply[1];
        }

        return count;
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await _admin.DisposeAsync();
    }
}

/// <summary>The scale-out suite on one redis-server.</summary>
public sealed class RedisScaleOutTests(RedisFixture redis) : ScaleOutBehaviorTests, IClassFixture<RedisFixture>
{
    protected override int SequenceCount => 12;

    protected override int Parallelism => 2;

    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Server.ConnectionString, instances, cluster: false, redis.Server);
}

/// <summary>The scale-out suite on a three-node Redis Cluster, with sharded pub/sub.</summary>
public sealed class RedisClusterScaleOutTests(RedisClusterFixture redis) : ScaleOutBehaviorTests, IClassFixture<RedisClusterFixture>
{
    protected override int SequenceCount => 6;

    protected override int Parallelism => 2;

    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Cluster.ConnectionString, instances, cluster: true);
}
