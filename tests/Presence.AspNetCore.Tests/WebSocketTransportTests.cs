using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using Presence.Testing;

namespace Presence.AspNetCore.Tests;

public sealed class WebSocketTransportTests
{
    private const string Room = "transport";

    [Fact]
    public async Task AnOversizedMessage_ClosesWith1009_AndTheOthersSeeTheLeave()
    {
        await using var server = await KestrelPresenceServer.StartAsync(o => o.MaximumMessageSize = 1024);
        await using var watcher = await server.ConnectAsync("watcher", room: Room);
        await using var sender = await server.ConnectAsync("sender", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        await sender.WaitForAsync<SnapshotMessage>();

        await sender.SendTextAsync("""{"type":"hello","name":"at the limit"}""".PadRight(1024));
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Name == "at the limit");

        await sender.SendFragmentedAsync(Encoding.UTF8.GetBytes(new string(' ', 5000)), 700);
        await sender.WaitForCloseAsync();
        Assert.Equal(PresenceCloseStatus.MessageTooBig, sender.CloseStatus);
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "sender");
    }

    [Fact]
    public async Task AFragmentedMessage_IsReassembled()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var watcher = await server.ConnectAsync("watcher", room: Room);
        await using var sender = await server.ConnectAsync("sender", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        await sender.WaitForAsync<SnapshotMessage>();

        await sender.SendFragmentedAsync("""{"type":"cursor","x":0.125,"y":0.625}"""u8.ToArray(), 3);
        var cursor = await watcher.WaitForAsync<CursorMessage>();
        Assert.Equal((0.125, 0.625), (cursor.User.X, cursor.User.Y));
    }

    [Fact]
    public async Task AReplacedConnection_IsClosedWith4000()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var first = await server.ConnectAsync("same", room: Room);
        await first.WaitForAsync<SnapshotMessage>();
        await using var second = await server.ConnectAsync("same", room: Room);
        await second.WaitForAsync<SnapshotMessage>();

        await first.WaitForCloseAsync();
        Assert.Equal(PresenceCloseStatus.Replaced, first.CloseStatus);
    }

    [Fact]
    public async Task Shutdown_ClosesEveryConnectionWith1001()
    {
        var server = await KestrelPresenceServer.StartAsync();
        await using var client = await server.ConnectAsync("a", room: Room);
        await client.WaitForAsync<SnapshotMessage>();

        var stopping = server.StopAsync();
        await client.WaitForCloseAsync();
        Assert.Equal(PresenceCloseStatus.GoingAway, client.CloseStatus);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task APlainHttpRequest_Gets400()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var response = await http.GetAsync(new Uri("/ws", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AnInvalidRoom_Gets400_BeforeTheUpgrade()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        var error = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => server.ConnectAsync("a", room: "no spaces allowed"));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartUp_ListingEveryError()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => KestrelPresenceServer.StartAsync(o =>
        {
            o.MaximumMessageSize = 1;
            o.SendTimeout = TimeSpan.Zero;
        }));
        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public async Task InvalidOptionsOfSeveralSections_FailAtStartUp_Together()
    {
        // Not from MapPresence, one section at a time: the host's start names every bad setting at once.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => KestrelPresenceServer.StartAsync(
            o => o.MaximumMessageSize = 1,
            settings: [new("Presence:WebSockets:KeepAliveInterval", "00:00:00"), new("Presence:Identity:IdClaimType", "")]));
        var failures = (error is AggregateException all ? all.InnerExceptions : [error]).OfType<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(failures, f => f.Contains("MaximumMessageSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("KeepAliveInterval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("IdClaimType", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_AreBoundFromThePresenceSection()
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings: [new("Presence:MaximumMessageSize", "2048"), new("Presence:Memory:StaleAfter", "00:00:30")]);
        Assert.Equal(2048, server.Services.GetRequiredService<IOptions<PresenceOptions>>().Value.MaximumMessageSize);
        Assert.Equal(TimeSpan.FromSeconds(30), server.Services.GetRequiredService<IOptions<InMemoryPresenceRosterOptions>>().Value.StaleAfter);
    }
}
