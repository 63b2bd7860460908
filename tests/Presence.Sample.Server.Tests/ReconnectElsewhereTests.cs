using System.Net.Http.Json;
using Presence.Testing;

namespace Presence.Sample.Server.Tests;

/// <summary>
/// A visitor's tab reconnects through the load balancer to another instance while its old socket is still open, and
/// the old socket closes afterwards: what every rolling deploy and flaky network does.
/// </summary>
public sealed class ReconnectElsewhereTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private SampleServerProcess _one = null!;
    private SampleServerProcess _two = null!;

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

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task AfterTheOldSocketCloses_EveryoneStillSeesTheVisitor_AndTheOldInstanceServesNewJoins(PresenceProtocolVersion version)
    {
        // The visitor is the old instance's only member of the room: its old socket's departure empties the room there.
        var room = "moved" + Guid.NewGuid().ToString("N")[..8];
        await using var remote = await JoinAsync(_two, "remote", room, version);
        var old = await JoinAsync(_one, "visitor", room, version);
        await remote.WaitForRosterAsync(r => r.ContainsKey("visitor"));

        // The tab reconnects to the other instance; its old socket on the first one is still open.
        await using var moved = await JoinAsync(_two, "visitor", room, version);
        await moved.SendCursorAsync(0.25, 0.75);
        await remote.WaitForRosterAsync(r => r.TryGetValue("visitor", out var v) && v.X == 0.25);

        // Then the old socket closes (if the server has not closed it already, as replaced).
        await CloseQuietlyAsync(old);

        // New visitors on the old instance get their snapshot, with the moved visitor in it, and the others see them.
        for (var i = 1; i <= 3; i++)
        {
            await using var late = await _one.ConnectAsync("/server/ws", $"late{i}", "Late", "#123456", room, version);
            var snapshot = await late.WaitForAsync<SnapshotMessage>();
            Assert.Equal([$"late{i}", "remote", "visitor"], snapshot.Users.Select(u => u.Id).Order());
            await remote.WaitForRosterAsync(r => r.ContainsKey($"late{i}"));

            // The visitor still moves for everyone, from its new instance.
            await moved.SendCursorAsync(0.5, i / 8.0);
            await late.WaitForRosterAsync(r => r.TryGetValue("visitor", out var v) && v.Y == i / 8.0);
            await late.CloseAsync();
            await remote.WaitForAsync<LeaveMessage>(l => l.Id == $"late{i}");
        }

        // Nobody was told the visitor left, and the old instance still answers HTTP.
        Assert.True(remote.Roster.ContainsKey("visitor"));
        Assert.DoesNotContain(remote.Received, m => m is LeaveMessage { Id: "visitor" });
        using var http = new HttpClient { BaseAddress = _one.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var health = await http.GetFromJsonAsync<Health>(new Uri("/api/v1/health", UriKind.Relative));
        Assert.Equal("ok", health!.Status);
    }

    private static async Task<WebSocketTestClient> JoinAsync(SampleServerProcess server, string id, string room, PresenceProtocolVersion version)
    {
        var client = await server.ConnectAsync("/server/ws", id, id.ToUpperInvariant(), "#336699", room, version);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    private static async Task CloseQuietlyAsync(WebSocketTestClient client)
    {
        try
        {
            await client.CloseAsync();
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or InvalidOperationException or OperationCanceledException)
        {
            // Already closed by the server.
        }

        await client.DisposeAsync();
    }

    private sealed record Health(string Status, string StateStore, int Connections);
}
