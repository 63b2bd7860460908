using Microsoft.Extensions.DependencyInjection;
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
    public async Task TheHealthCheck_IsDegradedDuringAnOutage_AndHealthyAfterIt()
    {
        using var http = new HttpClient { BaseAddress = _one.BaseAddress };
        Assert.Equal("Healthy", await http.GetStringAsync("/health"));

        // An instance that serves its own clients only is degraded, not down: a load balancer keeps it.
        await _redis.StopAsync();
        await Eventually.HoldsAsync(async () => await http.GetStringAsync("/health") == "Degraded");
        using (var response = await http.GetAsync("/health"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        }

        await _redis.StartAsync();
        await Eventually.HoldsAsync(async () => await http.GetStringAsync("/health") == "Healthy");
    }

    [Fact]
    public async Task DuringAnOutage_TheRoomApi_ReadsAndActsOnThisInstancesMembers()
    {
        await using var alice = await JoinAsync(_one, "alice");
        await using var carol = await JoinAsync(_one, "carol");
        await using var bob = await JoinAsync(_two, "bob");
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob") && r.ContainsKey("carol"));
        var rooms = _one.Services.GetRequiredService<IPresenceRooms>();

        await _redis.StopAsync();
        await Eventually.HoldsAsync(() => _one.Engine.CheckHealth().Status == PresenceHealthStatus.Degraded);

        // What this instance has, without an exception: bob is on the other one, which cannot be asked.
        Assert.Equal(["alice", "carol"], (await rooms.GetParticipantsAsync(_room)).Select(u => u.Id).Order());
        Assert.Equal(2, (await rooms.ListAsync()).Single(r => r.Name == _room).Participants);
        Assert.True(await rooms.KickAsync(_room, "carol"));
        await alice.WaitForAsync<LeaveMessage>(l => l.Id == "carol");
        Assert.False(await rooms.KickAsync(_room, "bob"));
        await rooms.SendAsync(_room, "ping", PresenceState.Empty);
        await alice.WaitForAsync<EventMessage>(e => e.Name == "ping");
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

    // A tab that reconnects elsewhere while Redis is away: its claim never reaches Redis, and its old connection's
    // departure is made on this side only. Once Redis returns, the new connection must be heard here, although its
    // claim predates the departure this instance made: it is the newer connection, and its announcement says so.
    [Fact]
    public async Task AReconnectElsewhereDuringAnOutage_IsHeardByTheOldInstance_OnceRedisReturns()
    {
        // The old instance takes its fresh snapshot at once after Redis returns, the new one writes its participants
        // again a while later: only the new connection's announcement can tell the old instance of it.
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        _one = await RedisInstances.StartAsync(_redis.ConnectionString, presence: o => (o.ResyncDelay, o.CursorPersistInterval) = (TimeSpan.Zero, TimeSpan.FromMilliseconds(20)));
        _two = await RedisInstances.StartAsync(_redis.ConnectionString, presence: o => o.CursorPersistInterval = TimeSpan.FromSeconds(2));
        await using var alice = await JoinAsync(_one, "alice");
        var old = await JoinAsync(_one, "bob");
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));
        await _redis.StopAsync();
        await Eventually.HoldsAsync(() => _one.Engine.CheckHealth().Status == PresenceHealthStatus.Degraded
            && _two.Engine.CheckHealth().Status == PresenceHealthStatus.Degraded);

        await using var bob = await JoinAsync(_two, "bob");
        await old.CloseAsync();
        await old.DisposeAsync();
        await alice.WaitForAsync<LeaveMessage>(l => l.Id == "bob");

        await _redis.StartAsync();
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));
        await Eventually.HoldsAsync(() => _one.Engine.CheckHealth().Status == PresenceHealthStatus.Healthy
            && _two.Engine.CheckHealth().Status == PresenceHealthStatus.Healthy);
        Assert.False(bob.IsClosed);

        // And it stays: nothing that arrives afterwards takes it away again.
        await bob.SendCursorAsync(0.3, 0.4);
        await alice.WaitForAsync<CursorMessage>(c => c.User.Id == "bob" && c.User.X == 0.3);
        Assert.True(alice.Roster.ContainsKey("bob"));
    }
}
