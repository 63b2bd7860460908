using Presence.Testing.ScaleOut;

namespace Presence.Redis.Tests;

/// <summary>The room API suite on real Kestrel instances sharing one redis-server.</summary>
public sealed class RedisRoomApiTests(RedisFixture redis) : RoomApiBehaviorTests, IClassFixture<RedisFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Server.ConnectionString, instances, cluster: false);
}

/// <summary>The room API suite on real Kestrel instances sharing a three-node Redis Cluster, with sharded pub/sub.</summary>
public sealed class RedisClusterRoomApiTests(RedisClusterFixture redis) : RoomApiBehaviorTests, IClassFixture<RedisClusterFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Cluster.ConnectionString, instances, cluster: true);
}

/// <summary>The grace period of signed-in participants on real Kestrel instances sharing one redis-server.</summary>
public sealed class RedisDepartureGraceTests(RedisFixture redis) : DepartureGraceBehaviorTests, IClassFixture<RedisFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Server.ConnectionString, instances, cluster: false);
}

/// <summary>The grace period of signed-in participants on a three-node Redis Cluster.</summary>
public sealed class RedisClusterDepartureGraceTests(RedisClusterFixture redis) : DepartureGraceBehaviorTests, IClassFixture<RedisClusterFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Cluster.ConnectionString, instances, cluster: true);
}

/// <summary>A signed-in user's tabs on real Kestrel instances sharing one redis-server.</summary>
public sealed class RedisSignedInTabsTests(RedisFixture redis) : SignedInTabsBehaviorTests, IClassFixture<RedisFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Server.ConnectionString, instances, cluster: false);
}

/// <summary>A signed-in user's tabs on real Kestrel instances sharing a three-node Redis Cluster.</summary>
public sealed class RedisClusterSignedInTabsTests(RedisClusterFixture redis) : SignedInTabsBehaviorTests, IClassFixture<RedisClusterFixture>
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) =>
        await RedisScaleOutFleet.StartAsync(redis.Cluster.ConnectionString, instances, cluster: true);
}
