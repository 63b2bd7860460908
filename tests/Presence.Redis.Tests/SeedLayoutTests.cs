using System.Text;
using System.Text.Json;
using Presence.Testing;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>
/// The default room keeps the seed's Redis layout, so that the seed's own backend and Presence share a fleet:
/// here a client of the seed's protocol acts as the seed's backend would, by hand, on the same keys and channel.
/// </summary>
public sealed class SeedLayoutTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private KestrelPresenceServer _server = null!;
    private ConnectionMultiplexer _seed = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await RedisInstances.StartAsync(redis.Server.ConnectionString);
        _seed = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _seed.DisposeAsync();
    }

    [Fact]
    public async Task OurParticipants_AreWhereTheSeedLooks_AndOurEventsReachItsChannel()
    {
        var heard = new List<string>();
        await _seed.GetSubscriber().SubscribeAsync(RedisChannel.Literal("collab:presence:events"), (_, value) => { lock (heard) { heard.Add(value!); } });

        await using var alice = await _server.ConnectAsync("seedcheck-alice", "Alice", "#ff0000");
        await alice.WaitForAsync<SnapshotMessage>();
        await alice.SendCursorAsync(0.25, 0.75);

        var db = _seed.GetDatabase();
        await Eventually.HoldsAsync(async () => (await db.HashGetAsync("collab:presence:users", "seedcheck-alice")).HasValue);
        using var user = JsonDocument.Parse((string)(await db.HashGetAsync("collab:presence:users", "seedcheck-alice"))!);
        Assert.Equal(["id", "name", "color", "x", "y", "updatedAt"], user.RootElement.EnumerateObject().Select(p => p.Name));
        var activity = await db.SortedSetScoreAsync("collab:presence:activity", "seedcheck-alice");
        Assert.InRange(activity!.Value, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60);
        Assert.InRange((await db.KeyTimeToLiveAsync("collab:presence:users"))!.Value, TimeSpan.FromSeconds(400), TimeSpan.FromSeconds(480));

        await Eventually.HoldsAsync(() =>
        {
            lock (heard)
            {
                return heard.Any(h => h.Contains("\"origin\":", StringComparison.Ordinal) && h.Contains("\"event\":{\"type\":\"cursor\"", StringComparison.Ordinal));
            }
        });
    }

    [Fact]
    public async Task TheSeedsParticipants_AppearInSnapshots_AndTheirEventsReachOurClients()
    {
        await using var alice = await _server.ConnectAsync("seedcheck-bob", "Bob", "#00ff00");
        await alice.WaitForAsync<SnapshotMessage>();

        // What the seed's backend does for a join: HSET, ZADD, EXPIRE, then PUBLISH the presence with its origin.
        var db = _seed.GetDatabase();
        var carol = """{"id": "seed-carol", "name": "Carol", "color": "#22c079", "x": 0.5, "y": 0.5, "updatedAt": 1795808508.123456}""";
        await db.HashSetAsync("collab:presence:users", "seed-carol", carol);
        await db.SortedSetAddAsync("collab:presence:activity", "seed-carol", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0);
        await _seed.GetSubscriber().PublishAsync(RedisChannel.Literal("collab:presence:events"),
            Encoding.UTF8.GetBytes("""{"origin": "0123456789abcdef0123456789abcdef", "event": {"type": "presence", "user": """ + carol + "}}"));

        var presence = await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "seed-carol");
        Assert.Equal(("Carol", "#22c079"), (presence.User.Name, presence.User.Color));

        await using var late = await _server.ConnectAsync("seedcheck-dave", "Dave", "#0000ff");
        var snapshot = await late.WaitForAsync<SnapshotMessage>();
        Assert.Contains(snapshot.Users, u => u.Id == "seed-carol");

        // A stale entry, as the seed leaves when its process dies, is pruned like the seed prunes it.
        await db.SortedSetAddAsync("collab:presence:activity", "seed-carol", DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 500);
        await using var later = await _server.ConnectAsync("seedcheck-erin", "Erin", "#0000ff");
        Assert.DoesNotContain((await later.WaitForAsync<SnapshotMessage>()).Users, u => u.Id == "seed-carol");
        Assert.False(await db.HashExistsAsync("collab:presence:users", "seed-carol"));
    }

    [Fact]
    public async Task MalformedRosterEntries_AreLeftOut_AndForeignEntriesAreCleaned()
    {
        var db = _seed.GetDatabase();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        var entries = new Dictionary<string, string>
        {
            ["junk-1"] = "not json",
            ["junk-2"] = """{"id":"junk-2"}""",
            ["junk-3"] = """{"id":"someone-else","name":"N","color":"#000000","x":0.5,"y":0.5,"updatedAt":1}""",
            ["bad id!"] = """{"id":"bad id!","name":"N","color":"#000000","x":0.5,"y":0.5,"updatedAt":1}""",
            ["loud"] = """{"id":"loud","name":"\u202eLOUD\u0007 and very much longer than the cap","color":"red","x":42,"y":-1,"updatedAt":1}""",
        };
        foreach (var (id, json) in entries)
        {
            await db.HashSetAsync("collab:presence:users", id, json);
            await db.SortedSetAddAsync("collab:presence:activity", id, now);
        }

        await using var client = await _server.ConnectAsync("seedcheck-frank", "Frank", "#0000ff");
        var snapshot = await client.WaitForAsync<SnapshotMessage>();
        var loud = Assert.Single(snapshot.Users, u => u.Id == "loud");
        Assert.Equal(("LOUD and very much longer th", PresenceRules.DefaultColor, 1.0, 0.0), (loud.Name, loud.Color, loud.X, loud.Y));
        Assert.DoesNotContain(snapshot.Users, u => u.Id.StartsWith("junk", StringComparison.Ordinal) || u.Id == "someone-else" || u.Id == "bad id!");

        foreach (var id in entries.Keys)
        {
            await db.HashDeleteAsync("collab:presence:users", id);
            await db.SortedSetRemoveAsync("collab:presence:activity", id);
        }
    }
}
