using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>Two instances on a three-node Redis Cluster, rooms on sharded pub/sub.</summary>
public sealed class ClusterTests(RedisClusterFixture redis) : IClassFixture<RedisClusterFixture>, IAsyncLifetime
{
    private KestrelPresenceServer _one = null!;
    private KestrelPresenceServer _two = null!;

    public async ValueTask InitializeAsync()
    {
        _one = await RedisInstances.StartAsync(redis.Cluster.ConnectionString, o => o.UseShardedPubSub = true);
        _two = await RedisInstances.StartAsync(redis.Cluster.ConnectionString, o => o.UseShardedPubSub = true);
    }

    public async ValueTask DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("design")]
    [InlineData("marketing-site")]
    public async Task PresenceCursorAndLeave_CrossInstances(string? room)
    {
        var alice = await _one.ConnectAsync("alice", "Alice", "#ff0000", room);
        await alice.WaitForAsync<SnapshotMessage>();
        await using var bob = await _two.ConnectAsync("bob", "Bob", "#00ff00", room);
        var snapshot = await bob.WaitForAsync<SnapshotMessage>();
        Assert.Equal(["alice", "bob"], snapshot.Users.Select(u => u.Id).Order());

        await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "bob");
        await alice.SendCursorAsync(0.4, 0.6);
        await bob.WaitForAsync<CursorMessage>(c => c.User.Id == "alice" && c.User.X == 0.4);

        await alice.CloseAsync();
        await alice.DisposeAsync();
        await bob.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
    }
}
