using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>Who may open a connection, refused before the upgrade: origins (403) and per-address caps (429).</summary>
public sealed class EndpointAdmissionTests
{
    private const string Join = "/ws?id=a&room=admission";

    [Theory]
    [InlineData("Origin: https://evil.example")]
    [InlineData("Origin: null")]
    [InlineData("Origin: http://127.0.0.1.evil.example")]
    public async Task AForeignOrigin_Gets403_AndNoSnapshot(string origin)
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var page = await RawWebSocketClient.ConnectAsync(server.BaseAddress, Join, origin);
        Assert.Equal(403, page.Status);
        Assert.Equal(0, server.Engine.ConnectionCount);
    }

    [Fact]
    public async Task ASameOriginPage_AndAClientWithoutOrigin_AreAccepted()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var page = await RawWebSocketClient.ConnectAsync(server.BaseAddress, Join, $"Origin: http://{server.BaseAddress.Authority}");
        Assert.Equal(101, page.Status);
        await using var tool = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=b&room=admission");
        Assert.Equal(101, tool.Status);
    }

    [Fact]
    public async Task ANamedOrigin_OrAnyWithAStar_IsAccepted()
    {
        await using var named = await KestrelPresenceServer.StartAsync(settings: [new("Presence:WebSockets:AllowedOrigins:0", "https://board.example")]);
        await using (var page = await RawWebSocketClient.ConnectAsync(named.BaseAddress, Join, "Origin: https://BOARD.example"))
        {
            Assert.Equal(101, page.Status);
        }

        await using (var other = await RawWebSocketClient.ConnectAsync(named.BaseAddress, Join, "Origin: https://other.example"))
        {
            Assert.Equal(403, other.Status);
        }

        await using var any = await KestrelPresenceServer.StartAsync(settings: [new("Presence:WebSockets:AllowedOrigins:0", "*")]);
        await using var anyPage = await RawWebSocketClient.ConnectAsync(any.BaseAddress, Join, "Origin: null");
        Assert.Equal(101, anyPage.Status);
    }

    [Fact]
    public async Task ConnectionsPastThePerAddressCap_Get429_UntilOneCloses()
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings:
        [
            new("Presence:WebSockets:ExemptLoopback", "false"),
            new("Presence:WebSockets:MaxConnectionsPerAddress", "3"),
        ]);
        var open = new List<RawWebSocketClient>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await RawWebSocketClient.ConnectAsync(server.BaseAddress, $"/ws?id=c{i}&room=admission"));
            Assert.Equal(101, open[^1].Status);
        }

        await using (var refused = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=c3&room=admission"))
        {
            Assert.Equal(429, refused.Status);
        }

        await open[0].DisposeAsync();
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 2);
        await using var admitted = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=c4&room=admission");
        Assert.Equal(101, admitted.Status);
        foreach (var socket in open)
        {
            await socket.DisposeAsync();
        }
    }

    [Fact]
    public async Task ConnectionsOpenedTooFast_Get429_WithRetryAfter()
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings:
        [
            new("Presence:WebSockets:ExemptLoopback", "false"),
            new("Presence:WebSockets:ConnectionsPerSecondPerAddress", "1"),
            new("Presence:WebSockets:ConnectionBurstPerAddress", "5"),
        ]);
        var statuses = new List<int>();
        string? retryAfter = null;
        for (var i = 0; i < 8; i++)
        {
            await using var socket = await RawWebSocketClient.ConnectAsync(server.BaseAddress, $"/ws?id=r{i}&room=admission");
            statuses.Add(socket.Status);
            retryAfter ??= socket.Headers.GetValueOrDefault("Retry-After");
        }

        Assert.Equal(5, statuses.Count(s => s == 101));
        Assert.Equal(3, statuses.Count(s => s == 429));
        Assert.True(int.Parse(retryAfter!, System.Globalization.CultureInfo.InvariantCulture) >= 1);
    }

    [Fact]
    public async Task LoopbackIsExemptFromThePerAddressCaps_ByDefault()
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings: [new("Presence:WebSockets:MaxConnectionsPerAddress", "1")]);
        await using var first = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=l1&room=admission");
        await using var second = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=l2&room=admission");
        Assert.Equal((101, 101), (first.Status, second.Status));
    }

    [Fact]
    public async Task AFullRoom_ClosesTheNextParticipantWith4005_ButTakesAReconnect()
    {
        await using var server = await KestrelPresenceServer.StartAsync(o => o.MaxParticipantsPerRoom = 2);
        await using var a = await server.ConnectAsync("a", room: "full");
        await using var b = await server.ConnectAsync("b", room: "full");
        await a.WaitForAsync<SnapshotMessage>();
        await b.WaitForAsync<SnapshotMessage>();

        await using var c = await server.ConnectAsync("c", room: "full");
        await c.WaitForCloseAsync();
        Assert.Equal(PresenceCloseStatus.RoomFull, c.CloseStatus);
        Assert.DoesNotContain(a.Received, m => m is PresenceMessage { User.Id: "c" });

        await using var again = await server.ConnectAsync("b", room: "full");
        await again.WaitForAsync<SnapshotMessage>();
        await using var elsewhere = await server.ConnectAsync("c", room: "other");
        await elsewhere.WaitForAsync<SnapshotMessage>();
    }

    [Fact]
    public async Task ARoomPastTheInstancesCap_ClosesWith4001_UntilARoomEmpties()
    {
        await using var server = await KestrelPresenceServer.StartAsync(o => o.MaxRooms = 1);
        var first = await server.ConnectAsync("a", room: "one");
        await first.WaitForAsync<SnapshotMessage>();
        await using (var refused = await server.ConnectAsync("b", room: "two"))
        {
            await refused.WaitForCloseAsync();
            Assert.Equal(PresenceCloseStatus.ServerFull, refused.CloseStatus);
        }

        await first.CloseAsync();
        await first.DisposeAsync();
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 0);
        await using var admitted = await server.ConnectAsync("b", room: "two");
        await admitted.WaitForAsync<SnapshotMessage>();
    }
}
