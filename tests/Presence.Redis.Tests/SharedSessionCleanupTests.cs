using Presence.Testing;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>
/// The crash cleanup of a signed-in user's tabs: an instance that died takes its own sessions of the participant with
/// it, and the participant leaves only when the dead instance held its last one.
/// </summary>
public sealed class SharedSessionCleanupTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _room = "shared" + Guid.NewGuid().ToString("N")[..10];
    private KestrelPresenceServer _live = null!;

    private RedisKey Owners => $"collab:presence:{{{_room}}}:owners";

    public async ValueTask InitializeAsync() =>
        _live = await RedisInstances.StartAsync(redis.Server.ConnectionString, options => options.CrashCleanupTimeout = TimeSpan.FromSeconds(2));

    public async ValueTask DisposeAsync() => await _live.DisposeAsync();

    [Fact]
    public async Task ADeadInstancesTab_GoesWithIt_AndTheUserStaysWithItsLiveTab()
    {
        await using var observer = await _live.ConnectAsync("observer", "Observer", "#336699", _room);
        await observer.WaitForAsync<SnapshotMessage>();
        await using var tab = await _live.ConnectSignedInAsync("alice", _room);
        await tab.WaitForAsync<SnapshotMessage>();
        await observer.WaitForRosterAsync(r => r.ContainsKey("alice"));
        var live = (await redis.Server.CliAsync($"hget {Owners} alice")).Trim();
        Assert.StartsWith("*", live, StringComparison.Ordinal);

        // Another instance held a tab of hers too, and died without a word.
        await DieHolding("alice", "*" + DeadOwner() + " " + live[1..]);

        await Eventually.HoldsAsync(async () => (await redis.Server.CliAsync($"hget {Owners} alice")).Trim() == live);
        await using var sentinel = await _live.ConnectAsync("sentinel", "Sentinel", "#336699", _room);
        await observer.WaitForAsync<PresenceMessage>(p => p.User.Id == "sentinel");
        Assert.DoesNotContain(observer.Received.OfType<LeaveMessage>(), l => l.Id == "alice");
        Assert.False(tab.IsClosed);
    }

    [Fact]
    public async Task ADeadInstanceHoldingAUsersLastTab_AnnouncesItsLeave()
    {
        await using var observer = await _live.ConnectAsync("observer", "Observer", "#336699", _room);
        await observer.WaitForAsync<SnapshotMessage>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await redis.Server.CliAsync($"hset collab:presence:{{{_room}}}:users bob '{{\"id\":\"bob\",\"name\":\"Bob\",\"color\":\"#123456\",\"x\":0.5,\"y\":0.5,\"updatedAt\":{now}}}'");
        await redis.Server.CliAsync($"zadd collab:presence:{{{_room}}}:activity {now} bob");
        await DieHolding("bob", "*" + DeadOwner());

        await observer.WaitForAsync<LeaveMessage>(l => l.Id == "bob");
        Assert.Equal(string.Empty, (await redis.Server.CliAsync($"hget {Owners} bob")).Trim());
    }

    private readonly string _deadInstance = Guid.NewGuid().ToString("N");

    private string DeadOwner() => _deadInstance + ":1700000000000.x1";

    // The dead instance's entry, its room, and a heartbeat long past: the live instance's next sweep finds it.
    private async Task DieHolding(string id, string owners)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await redis.Server.CliAsync($"hset {Owners} {id} \"{owners}\"");
        await redis.Server.CliAsync($"sadd collab:presence:instance:{_deadInstance}:rooms {_room}");
        await redis.Server.CliAsync($"zadd collab:presence:instances {now - 60} {_deadInstance}");
    }
}
