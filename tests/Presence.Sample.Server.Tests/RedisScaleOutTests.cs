using System.Diagnostics;
using System.Net.Http.Json;
using Presence.Testing;

namespace Presence.Sample.Server.Tests;

/// <summary>Sample server processes sharing one redis-server through REDIS_URL, as the seed deploys them.</summary>
public sealed class RedisScaleOutTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private SampleServerProcess _one = null!;
    private SampleServerProcess _two = null!;

    private sealed record Health(string Status, string StateStore, int Connections);

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var environment = new Dictionary<string, string> { ["REDIS_URL"] = _redis.Url };
        _one = await SampleServerProcess.StartAsync(environment);
        _two = await SampleServerProcess.StartAsync(environment);
    }

    public async ValueTask DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task WithRedisUrl_TheSampleReportsRedis_AndInstancesShareTheDefaultRoom()
    {
        using var http = new HttpClient { BaseAddress = _one.BaseAddress };
        var health = await http.GetFromJsonAsync<Health>(new Uri("/server/api/v1/health", UriKind.Relative));
        Assert.Equal(("ok", "redis"), (health!.Status, health.StateStore));
        Assert.Equal("Healthy", await http.GetStringAsync(new Uri("/server/health", UriKind.Relative)));

        await using var alice = await _one.ConnectAsync("/server/ws", "alice", "Alice", "#ff0000");
        await alice.WaitForAsync<SnapshotMessage>();
        await using var bob = await _two.ConnectAsync("/server/ws", "bob", "Bob", "#00ff00");
        var snapshot = await bob.WaitForAsync<SnapshotMessage>();
        Assert.Equal("redis", snapshot.StateStore);
        Assert.Contains(snapshot.Users, u => u.Id == "alice");
        await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "bob");
    }

    [Fact]
    public async Task AfterAKill9_TheOtherInstanceAnnouncesTheDeadInstancesUsersWithinTheDeadline()
    {
        var room = "crash" + Guid.NewGuid().ToString("N")[..8];
        await using var victim = await _one.ConnectAsync("/ws", "victim", "Victim", "#ff0000", room);
        await victim.WaitForAsync<SnapshotMessage>();
        await using var survivor = await _two.ConnectAsync("/ws", "survivor", "Survivor", "#00ff00", room);
        await survivor.WaitForRosterAsync(r => r.ContainsKey("victim"));

        var killed = Stopwatch.StartNew();
        _one.Crash();
        var leave = await survivor.WaitForAsync<LeaveMessage>(timeout: TimeSpan.FromSeconds(30));
        Measurements.Record("crash cleanup: leave seen after kill -9", killed.Elapsed);
        Assert.Equal("victim", leave.Id);

        using var http = new HttpClient { BaseAddress = _two.BaseAddress };
        await using var late = await _two.ConnectAsync("/ws", "late", "Late", "#0000ff", room);
        var snapshot = await late.WaitForAsync<SnapshotMessage>();
        Assert.DoesNotContain(snapshot.Users, u => u.Id == "victim");
    }

    [Fact]
    public async Task BehindTheGateway_TwoTabsLandOnDifferentInstances_AndSeeEachOther()
    {
        await using var gateway = await SampleServerProcess.StartGatewayAsync(_one, _two);
        using var http = new HttpClient { BaseAddress = gateway.BaseAddress };
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.Contains("Presence board", page, StringComparison.Ordinal);

        var room = "gateway" + Guid.NewGuid().ToString("N")[..8];
        await using var first = await gateway.ConnectAsync("/server/ws", "tab-one", "One", "#ff0000", room);
        await first.WaitForAsync<SnapshotMessage>();
        await using var second = await gateway.ConnectAsync("/server/ws", "tab-two", "Two", "#00ff00", room);
        await second.WaitForRosterAsync(r => r.ContainsKey("tab-one"));
        await first.WaitForAsync<PresenceMessage>(p => p.User.Id == "tab-two");

        var connections = new List<int>();
        foreach (var instance in new[] { _one, _two })
        {
            using var direct = new HttpClient { BaseAddress = instance.BaseAddress };
            connections.Add((await direct.GetFromJsonAsync<Health>(new Uri("/api/v1/health", UriKind.Relative)))!.Connections);
        }

        Assert.Equal([1, 1], connections);
        await second.SendCursorAsync(0.6, 0.4);
        await first.WaitForAsync<CursorMessage>(c => c.User.Id == "tab-two");
    }
}
