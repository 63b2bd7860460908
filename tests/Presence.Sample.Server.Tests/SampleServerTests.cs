using System.Net;
using System.Net.Http.Json;

namespace Presence.Sample.Server.Tests;

public sealed class SampleServerTests(SampleServerFixture fixture) : IClassFixture<SampleServerFixture>
{
    private sealed record Health(string Status, string StateStore, int Connections);

    [Theory]
    [InlineData("/api/v1/health")]
    [InlineData("/server/api/v1/health")]
    public async Task Health_ReportsStatusStoreAndConnections_WithAndWithoutThePrefix(string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        await using var client = await fixture.Server.ConnectAsync("/ws", "health-" + Guid.NewGuid().ToString("N")[..8], room: "health" + Guid.NewGuid().ToString("N"));
        await client.WaitForAsync<SnapshotMessage>();

        var health = await http.GetFromJsonAsync<Health>(new Uri(path, UriKind.Relative));
        Assert.NotNull(health);
        Assert.Equal(("ok", "memory"), (health.Status, health.StateStore));
        Assert.True(health.Connections >= 1);
    }

    [Fact]
    public async Task TheSameRoom_IsReachedThroughBothPaths()
    {
        var room = "paths" + Guid.NewGuid().ToString("N");
        await using var direct = await fixture.Server.ConnectAsync("/ws", "direct", "Direct", "#111111", room);
        await using var prefixed = await fixture.Server.ConnectAsync("/server/ws", "prefixed", "Prefixed", "#222222", room);
        await prefixed.WaitForAsync<SnapshotMessage>();
        await direct.WaitForRosterAsync(r => r.ContainsKey("prefixed"));

        await prefixed.SendCursorAsync(0.3, 0.7);
        var cursor = await direct.WaitForAsync<CursorMessage>();
        Assert.Equal(("prefixed", 0.3, 0.7), (cursor.User.Id, cursor.User.X, cursor.User.Y));
    }

    [Fact]
    public async Task UnknownPaths_Get404()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        var response = await http.GetAsync(new Uri("/server/nothing-here", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("evil.example", "http://evil.example", HttpStatusCode.BadRequest)]
    [InlineData(null, "https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData(null, "null", HttpStatusCode.Forbidden)]
    public async Task AnUpgradeFromAForeignSite_IsRefusedBeforeItOpens(string? host, string origin, HttpStatusCode expected)
    {
        // A rebound DNS name brings a foreign Host with its own origin: the host filter refuses it. A foreign page on
        // the real host is the origin check's.
        using var http = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/server/ws?id=x&room=origins", UriKind.Relative));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new System.Net.Http.Headers.ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(new byte[16]));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Origin", origin);
        if (host is not null)
        {
            request.Headers.Host = $"{host}:{fixture.Server.BaseAddress.Port}";
        }

        using var response = await http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }
}
