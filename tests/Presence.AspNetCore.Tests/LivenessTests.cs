using System.Text;
using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>Connections that stop answering are found and closed, whatever they hold open.</summary>
public sealed class LivenessTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASocketThatNeverAnswersPings_IsPingedAndAborted_AndItsLeaveAnnounced(bool v2)
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings:
        [
            new("Presence:WebSockets:KeepAliveInterval", "00:00:00.500"),
            new("Presence:WebSockets:KeepAliveTimeout", "00:00:01"),
        ]);
        await using var watcher = await server.ConnectAsync("watcher", room: "live");
        await watcher.WaitForAsync<SnapshotMessage>();
        await using var silent = await RawWebSocketClient.ConnectAsync(
            server.BaseAddress, "/ws?id=silent&room=live", v2 ? ["Sec-WebSocket-Protocol: " + PresenceProtocol.V2SubProtocol] : []);
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Id == "silent");

        // It reads (so the server can write) but never answers: the server pings, then gives up on it.
        var sawPing = false;
        for (var i = 0; i < 20 && !sawPing; i++)
        {
            sawPing = (await silent.ReadFrameAsync(TimeSpan.FromSeconds(10))).Opcode == 0x9;
        }

        Assert.True(sawPing);
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "silent", TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 1);
    }

    [Fact]
    public async Task AMessageStalledMidway_EndsTheConnection_AfterTheIncompleteMessageTimeout()
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings:
        [
            new("Presence:WebSockets:IncompleteMessageTimeout", "00:00:01"),
        ]);
        await using var watcher = await server.ConnectAsync("watcher", room: "stall");
        await watcher.WaitForAsync<SnapshotMessage>();
        await using var stalled = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=stalled&room=stall");
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Id == "stalled");

        // The first part of a message, then a byte now and then, and never its end.
        await stalled.SendFrameAsync(0x1, fin: false, Encoding.UTF8.GetBytes("""{"type":"hello","""));
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await Task.Delay(200);
                try
                {
                    await stalled.SendFrameAsync(0x0, fin: false, " "u8.ToArray());
                }
                catch (IOException)
                {
                    return;
                }
            }
        });

        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "stalled", TimeSpan.FromSeconds(5));
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 1);
        await trickle;
    }

    [Theory]
    [InlineData(false, 20_000_000)]
    [InlineData(true, 20_000_000)]
    [InlineData(false, 1_000)]
    [InlineData(true, 1_000)]
    public async Task AFrameWhosePayloadNeverComes_EndsTheConnection(bool v2, int declared)
    {
        await using var server = await KestrelPresenceServer.StartAsync(settings:
        [
            new("Presence:WebSockets:KeepAliveInterval", "00:00:00.500"),
            new("Presence:WebSockets:KeepAliveTimeout", "00:00:01"),
            new("Presence:WebSockets:IncompleteMessageTimeout", "00:00:01"),
        ]);
        await using var watcher = await server.ConnectAsync("watcher", room: "header");
        await watcher.WaitForAsync<SnapshotMessage>();
        await using var stalled = await RawWebSocketClient.ConnectAsync(
            server.BaseAddress, "/ws?id=stalled&room=header", v2 ? ["Sec-WebSocket-Protocol: " + PresenceProtocol.V2SubProtocol] : []);
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Id == "stalled");

        // A frame's head promises a payload, and none of it follows.
        await stalled.SendRawAsync(new Fuzz.ClientFrame(0x1, [], DeclaredLength: (ulong)declared).ToBytes());

        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "stalled", TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 1);
    }
}
