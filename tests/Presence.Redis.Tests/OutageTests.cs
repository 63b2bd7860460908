using System.Diagnostics;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>Redis goes away and comes back empty, while two instances keep serving their clients.</summary>
public sealed class OutageTests : IAsyncLifetime
{
    private readonly string _room = "o" + Guid.NewGuid().ToString("N")[..12];
    private RedisServer _redis = null!;
    private KestrelPresenceServer _one = null!;
    private KestrelPresenceServer _two = null!;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _one = await RedisInstances.StartAsync(_redis.ConnectionString);
        _two = await RedisInstances.StartAsync(_redis.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        await _redis.DisposeAsync();
    }

    private async Task<PresenceTestClient> JoinAsync(KestrelPresenceServer server, string id)
    {
        var client = await server.ConnectAsync(id, id, "#336699", _room);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Fact]
    public async Task DuringAnOutage_LocalClientsAreServed_AndAfterItEveryClientConverges()
    {
        await using var alice = await JoinAsync(_one, "alice");
        var bob = await JoinAsync(_two, "bob");
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));

        await _redis.StopAsync();
        await Eventually.HoldsAsync(() => _one.Engine.CheckHealth().Status == PresenceHealthStatus.Degraded);

        // Local service goes on: a join and a move on instance one reach alice without Redis.
        await using var carol = await JoinAsync(_one, "carol");
        await carol.SendCursorAsync(0.7, 0.7);
        await alice.WaitForAsync<CursorMessage>(c => c.User.Id == "carol");

        // Unseen by the other instance: dave joins instance two, bob leaves it.
        await using var dave = await JoinAsync(_two, "dave");
        await bob.CloseAsync();
        await bob.DisposeAsync();
        await _two.Engine.WaitForConnectionsAsync(1);

        var restarted = Stopwatch.StartNew();
        await _redis.StartAsync();
        string[] everyone = ["alice", "carol", "dave"];
        await Task.WhenAll(
            alice.WaitForRosterAsync(r => r.Keys.Order().SequenceEqual(everyone)),
            carol.WaitForRosterAsync(r => r.Keys.Order().SequenceEqual(everyone)),
            dave.WaitForRosterAsync(r => r.Keys.Order().SequenceEqual(everyone)));
        Measurements.Record("outage convergence after redis-server restart", restarted.Elapsed);

        // And the fleet works as before.
        await dave.SendCursorAsync(0.11, 0.22);
        await alice.WaitForAsync<CursorMessage>(c => c.User.Id == "dave" && c.User.X == 0.11);
    }
}
