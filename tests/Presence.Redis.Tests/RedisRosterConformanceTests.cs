using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Presence.Redis.Internal;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>One instance's connection to Redis, with its roster and backplane, for the conformance suites.</summary>
internal sealed class RedisInstance : IAsyncDisposable
{
    private RedisInstance(RedisConnection connection)
    {
        Connection = connection;
        Roster = new RedisPresenceRoster(connection);
        Backplane = new RedisPresenceBackplane(connection, NullLogger<RedisPresenceBackplane>.Instance);
    }

    public RedisConnection Connection { get; }

    public RedisPresenceRoster Roster { get; }

    public RedisPresenceBackplane Backplane { get; }

    public static async Task<RedisInstance> StartAsync(string connectionString, TimeProvider time, bool sharded)
    {
        var options = new RedisPresenceOptions { ConnectionString = connectionString, UseShardedPubSub = sharded };
        var connection = new RedisConnection(Options.Create(options), time, NullLogger<RedisConnection>.Instance);
        await connection.GetConnectionAsync();
        await Eventually.HoldsAsync(() => connection.IsAvailable);
        return new RedisInstance(connection);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}

/// <summary>The roster conformance suite against Redis; each roster is one instance with its own connection.</summary>
public abstract class RedisRosterConformanceTestsBase : RosterConformanceTests, IAsyncDisposable
{
    private readonly List<RedisInstance> _instances = [];

    protected abstract string ConnectionString { get; }

    protected virtual bool Sharded => false;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    protected override async Task<IPresenceRoster> CreateRosterAsync() => (await StartInstanceAsync()).Roster;

    private async Task<RedisInstance> StartInstanceAsync()
    {
        var instance = await RedisInstance.StartAsync(ConnectionString, Time, Sharded);
        _instances.Add(instance);
        return instance;
    }

    [Fact]
    public async Task AClaimOnAnotherInstance_TakesTheParticipantOver()
    {
        var first = await CreateRosterAsync();
        var second = await CreateRosterAsync();
        await first.ClaimAsync(Room, User("moved"), "tab");

        // A claim is not awaited on the network; a snapshot on the same connection is ordered after it.
        await first.SnapshotAsync(Room);
        await second.ClaimAsync(Room, User("moved", 0.9), "tab");
        await second.SnapshotAsync(Room);

        // The same session name on another instance is another owner.
        Assert.Equal(RosterWrite.TakenOver, await first.UpdateAsync(Room, User("moved", 0.1), "tab"));
        Assert.False(await first.ReleaseAsync(Room, "moved", "tab"));
        Assert.Equal([User("moved", 0.9)], await second.SnapshotAsync(Room));
        Assert.True(await second.ReleaseAsync(Room, "moved", "tab"));
        Assert.Empty(await second.SnapshotAsync(Room));
    }

    [Fact]
    public async Task SharedSessionsOnTwoInstances_AreOneParticipant_WhoseDepartureOnlyTheLastAnnounces()
    {
        var first = await StartInstanceAsync();
        var second = await StartInstanceAsync();
        var heard = new List<string>();
        await using var subscription = await first.Backplane.SubscribeAsync(Room, m => { lock (heard) { heard.Add(Encoding.UTF8.GetString(m.Span)); } });

        // The same session name on another instance is another owner.
        Assert.Null(await first.Roster.ClaimAsync(Room, User("tabs", 0.2), "tab", RosterSessionMode.Shared));
        Assert.Equal(User("tabs", 0.2), await second.Roster.ClaimAsync(Room, User("tabs", 0.8), "tab", RosterSessionMode.Shared));
        Assert.False(await first.Roster.ReleaseAsync(Room, "tabs", "tab"));
        Assert.Equal([User("tabs", 0.2)], await second.Roster.SnapshotAsync(Room));
        Assert.True(await second.Roster.ReleaseAsync(Room, "tabs", "tab"));
        await second.Backplane.PublishAsync(Room, new PresenceBatch("""{"type":"leave","id":"sentinel"}"""u8.ToArray()));

        await Eventually.HoldsAsync(() => { lock (heard) { return heard.Any(h => h.Contains("sentinel", StringComparison.Ordinal)); } });
        lock (heard)
        {
            Assert.Equal(["""{"type":"leave","id":"tabs"}""", """[{"type":"leave","id":"sentinel"}]"""], heard);
        }
    }

    [Fact]
    public async Task ARelease_AnnouncesTheDepartureToTheOtherInstances_AndATakenOverOneAnnouncesNothing()
    {
        var first = await StartInstanceAsync();
        var second = await StartInstanceAsync();
        var heard = new List<string>();
        await using var subscription = await second.Backplane.SubscribeAsync(Room, m => { lock (heard) { heard.Add(Encoding.UTF8.GetString(m.Span)); } });

        await first.Roster.ClaimAsync(Room, User("gone"), "s");
        await first.Roster.ClaimAsync(Room, User("moved"), "s");
        await first.Roster.SnapshotAsync(Room);
        await second.Roster.ClaimAsync(Room, User("moved"), "t");
        await second.Roster.SnapshotAsync(Room);
        Assert.True(await first.Roster.ReleaseAsync(Room, "gone", "s"));
        Assert.False(await first.Roster.ReleaseAsync(Room, "moved", "s"));
        await first.Backplane.PublishAsync(Room, new PresenceBatch("""{"type":"leave","id":"sentinel"}"""u8.ToArray()));

        await Eventually.HoldsAsync(() => { lock (heard) { return heard.Any(h => h.Contains("sentinel", StringComparison.Ordinal)); } });
        lock (heard)
        {
            Assert.Equal(["""{"type":"leave","id":"gone"}""", """[{"type":"leave","id":"sentinel"}]"""], heard);
        }
    }
}

public sealed class RedisRosterConformanceTests(RedisFixture redis) : RedisRosterConformanceTestsBase, IClassFixture<RedisFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}

public sealed class RedisClusterRosterConformanceTests(RedisClusterFixture redis) : RedisRosterConformanceTestsBase, IClassFixture<RedisClusterFixture>
{
    protected override string ConnectionString => redis.Cluster.ConnectionString;

    protected override bool Sharded => true;
}

/// <summary>The backplane conformance suite against Redis; each backplane is one instance with its own connection.</summary>
public abstract class RedisBackplaneConformanceTestsBase : BackplaneConformanceTests, IAsyncDisposable
{
    private readonly List<RedisInstance> _instances = [];

    protected abstract string ConnectionString { get; }

    protected virtual bool Sharded => false;

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    protected override async Task<IPresenceBackplane> CreateInstanceAsync()
    {
        var instance = await RedisInstance.StartAsync(ConnectionString, TimeProvider.System, Sharded);
        _instances.Add(instance);
        return instance.Backplane;
    }
}

public sealed class RedisBackplaneConformanceTests(RedisFixture redis) : RedisBackplaneConformanceTestsBase, IClassFixture<RedisFixture>
{
    protected override string ConnectionString => redis.Server.ConnectionString;
}

public sealed class RedisClusterBackplaneConformanceTests(RedisClusterFixture redis) : RedisBackplaneConformanceTestsBase, IClassFixture<RedisClusterFixture>
{
    protected override string ConnectionString => redis.Cluster.ConnectionString;

    protected override bool Sharded => true;
}
