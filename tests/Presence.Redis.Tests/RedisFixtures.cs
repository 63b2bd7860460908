using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>One redis-server per test class.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;


    public async ValueTask InitializeAsync() => Server = await RedisServer.StartAsync();

    public ValueTask DisposeAsync() => Server?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>One three-node Redis Cluster per test class.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    public RedisCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await RedisCluster.StartAsync();

    public ValueTask DisposeAsync() => Cluster?.DisposeAsync() ?? ValueTask.CompletedTask;
}
