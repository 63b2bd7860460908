using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Presence.Redis.Internal;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>The store conformance suite against a Redis store; each store is one instance with its own connection.</summary>
public abstract class RedisStoreConformanceTestsBase : StoreConformanceTests, IAsyncDisposable
{
    private readonly List<RedisPresenceStore> _stores = [];

    protected override bool FansOut => true;

    protected abstract string ConnectionString { get; }

    protected virtual bool Sharded => false;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    protected override async Task<IPresenceStore> CreateStoreAsync()
    {
        var options = new RedisPresenceOptions { ConnectionString = ConnectionString, UseShardedPubSub = Sharded };
        var store = new RedisPresenceStore(Options.Create(options), Time, NullLogger<RedisPresenceStore>.Instance);
        _stores.Add(store);
        await store.GetConnectionAsync();
        await Eventually.HoldsAsync(() => store.IsAvailable);
        return store;
    }

    [Fact]
    public async Task Remove_LeavesAParticipantThatAnotherInstanceTookOver()
    {
        var first = await CreateStoreAsync();
        var second = await CreateStoreAsync();
        // Writes are pipelined without waiting; a read on the same connection comes after them.
        await first.UpsertAsync(Room, User("moved"));
        Assert.Single(await first.SnapshotAsync(Room));
        await second.UpsertAsync(Room, User("moved", 0.9));
        Assert.Equal([User("moved", 0.9)], await second.SnapshotAsync(Room));
        Assert.False(await first.RemoveAsync(Room, "moved"));
        Assert.Equal([User("moved", 0.9)], await second.SnapshotAsync(Room));
        Assert.True(await second.RemoveAsync(Room, "moved"));
        Assert.Empty(await second.SnapshotAsync(Room));
    }
}

public sealed class RedisStoreConformanceTests(RedisFixture redis) : RedisStoreConformanceTestsBase, IClassFixture<RedisFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}

public sealed class RedisClusterStoreConformanceTests(RedisClusterFixture redis) : RedisStoreConformanceTestsBase, IClassFixture<RedisClusterFixture>
{
    protected override string ConnectionString => redis.Cluster.ConnectionString;

    protected override bool Sharded => true;
}
