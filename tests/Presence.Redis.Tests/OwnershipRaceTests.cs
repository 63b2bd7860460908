using Presence.Testing;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>
/// A participant taken over by another instance in the middle of a departure's or a crash cleanup's Redis work: the
/// new owner's entry stays, and nobody is told that a connected participant left.
/// </summary>
public sealed class OwnershipRaceTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _room = "race" + Guid.NewGuid().ToString("N")[..10];
    private readonly InterleavedRedis _interleaving = new();
    private KestrelPresenceServer _one = null!;
    private KestrelPresenceServer _two = null!;

    private RedisKey Owners => $"collab:presence:{{{_room}}}:owners";

    private RedisKey Users => $"collab:presence:{{{_room}}}:users";

    public async ValueTask InitializeAsync()
    {
        void Configure(RedisPresenceOptions options)
        {
            options.ConnectionFactory = _interleaving.ConnectAsync;
            options.CrashCleanupTimeout = TimeSpan.FromSeconds(2);
        }

        _one = await RedisInstances.StartAsync(redis.Server.ConnectionString, Configure);
        _two = await RedisInstances.StartAsync(redis.Server.ConnectionString, Configure);
    }

    public async ValueTask DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task ATakeoverDuringADeparture_KeepsTheNewOwnersEntry_AndAnnouncesNoLeave()
    {
        await using var observer = await JoinAsync(_two, "observer");
        var visitor = await JoinAsync(_one, "visitor");
        await observer.WaitForRosterAsync(r => r.ContainsKey("visitor"));

        WebSocketTestClient? moved = null;
        _interleaving.Arm(
            (method, args) => TouchesTheVisitorsOwnership(method, args),
            async () =>
            {
                moved = await _two.ConnectAsync("visitor", "Moved", "#654321", _room);
                await moved.WaitForAsync<SnapshotMessage>();
            });

        await visitor.CloseAsync();
        await _interleaving.Interleaved.Task.WaitAsync(PresenceTestClient.DefaultTimeout);
        await _one.Engine.WaitForConnectionsAsync(0);
        await using var _ = moved;
        await AssertTheVisitorStaysAsync(observer);
    }

    [Fact]
    public async Task ATakeoverDuringACrashCleanup_KeepsTheNewOwnersEntry_AndAnnouncesNoLeave()
    {
        await using var observer = await JoinAsync(_two, "observer");

        // An instance that died without a word, still owning a participant in the room.
        var dead = Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await redis.Server.CliAsync($"hset {Users} visitor '{{\"id\":\"visitor\",\"name\":\"Visitor\",\"color\":\"#123456\",\"x\":0.5,\"y\":0.5,\"updatedAt\":{now}}}'");
        await redis.Server.CliAsync($"zadd collab:presence:{{{_room}}}:activity {now} visitor");
        await redis.Server.CliAsync($"hset {Owners} visitor {dead}");
        await redis.Server.CliAsync($"sadd collab:presence:instance:{dead}:rooms {_room}");

        WebSocketTestClient? moved = null;
        _interleaving.Arm(
            (method, args) => TouchesTheVisitorsOwnership(method, args),
            async () =>
            {
                moved = await _one.ConnectAsync("visitor", "Moved", "#654321", _room);
                await moved.WaitForAsync<SnapshotMessage>();
            });
        await redis.Server.CliAsync($"zadd collab:presence:instances {now - 60} {dead}");

        await _interleaving.Interleaved.Task.WaitAsync(PresenceTestClient.DefaultTimeout);
        await Eventually.HoldsAsync(async () => (await redis.Server.CliAsync($"zscore collab:presence:instances {dead}")).Trim().Length == 0);
        await using var _ = moved;
        await AssertTheVisitorStaysAsync(observer);
    }

    // The visitor's removal: the owner check of a departure or a cleanup, a read or a script, but not another
    // participant's write of its own state.
    private bool TouchesTheVisitorsOwnership(string method, object?[] args)
    {
        var values = InterleavedRedis.ValuesOf(args).Select(v => (string?)v).ToList();
        return method is "HashGetAsync" or "ScriptEvaluateAsync"
            && InterleavedRedis.KeysOf(args).Contains(Owners)
            && !values.Contains("observer")
            && !values.Contains("sentinel");
    }

    private async Task AssertTheVisitorStaysAsync(PresenceTestClient observer)
    {
        // Whatever the departure published reaches the observer before this sentinel's arrival.
        await using var sentinel = await JoinAsync(_one, "sentinel");
        await observer.WaitForAsync<PresenceMessage>(p => p.User.Id == "sentinel");
        Assert.True(observer.Roster.TryGetValue("visitor", out var visitor), "The observer was told that a connected participant left.");
        Assert.Equal("Moved", visitor.Name);
        Assert.Equal("1", (await redis.Server.CliAsync($"hexists {Users} visitor")).Trim());
    }

    private async Task<WebSocketTestClient> JoinAsync(KestrelPresenceServer server, string id)
    {
        var client = await server.ConnectAsync(id, id, "#336699", _room);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }
}
