using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Presence.AspNetCore.Internal;
using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>permessage-deflate as it is on the wire, and the socket's own control frames among the shared frames.</summary>
public sealed class CompressionTests(WebSocketBehaviorTests.Server server) : IClassFixture<WebSocketBehaviorTests.Server>
{
    private static readonly TimeSpan FrameTimeout = TimeSpan.FromSeconds(30);
    private readonly string _room = "deflate" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task ADeflateOffer_IsAccepted_WithoutContextTakeoverEitherWay()
    {
        await using var client = await server.Instance.ConnectAsync("offers", room: _room, deflate: true);
        await client.WaitForAsync<SnapshotMessage>();

        Assert.NotNull(client.Extensions);
        Assert.StartsWith(PerMessageDeflateNegotiation.Response, client.Extensions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompressionOptionOff_DeclinesEveryOffer()
    {
        await using var plain = await KestrelPresenceServer.StartAsync(o => o.EnableCompression = false);
        await using var client = await plain.ConnectAsync("offers", room: _room, deflate: true);
        await client.WaitForAsync<SnapshotMessage>();

        Assert.Null(client.Extensions);
    }

    [Fact]
    public async Task AnOfferOfASmallerServerWindow_IsDeclined_AndFramesComeUncompressed()
    {
        await using var client = await RawWebSocketClient.ConnectAsync(
            server.Instance.BaseAddress,
            $"/ws?id=small&room={_room}",
            "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=10");

        Assert.Equal(101, client.Status);
        Assert.False(client.Headers.ContainsKey("Sec-WebSocket-Extensions"));
        var snapshot = await client.ReadFrameAsync(FrameTimeout);
        Assert.False(snapshot.Compressed);
        Assert.Contains("\"snapshot\"", snapshot.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASharedFrame_IsDeflated_AndEveryRecipientGetsTheSameBytes()
    {
        const string Offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
        await using var first = await RawWebSocketClient.ConnectAsync(server.Instance.BaseAddress, $"/ws?id=first&room={_room}", Offer, "Sec-WebSocket-Protocol: presence.v2");
        await using var second = await RawWebSocketClient.ConnectAsync(server.Instance.BaseAddress, $"/ws?id=second&room={_room}", Offer, "Sec-WebSocket-Protocol: presence.v2");
        Assert.Equal(PerMessageDeflateNegotiation.Response, first.Headers["Sec-WebSocket-Extensions"]);

        // From the tick that announces the second client on, both are sent the same frames.
        await ReadUntilAsync(first, f => f.Text.Contains("\"id\":\"second\"", StringComparison.Ordinal));
        await ReadUntilAsync(second, f => f.Text.Contains("\"type\":\"presence\"", StringComparison.Ordinal) && f.Text.Contains("\"id\":\"second\"", StringComparison.Ordinal));

        // Movers with long names, so that one tick's frame is long enough to be deflated.
        var movers = new List<WebSocketTestClient>();
        for (var i = 0; i < 4; i++)
        {
            movers.Add(await server.Instance.ConnectAsync($"mover-{i}-{new string('m', 40)}", new string('n', 28), "#123456", _room));
        }

        try
        {
            for (var step = 1; step <= 20; step++)
            {
                foreach (var mover in movers)
                {
                    await mover.SendCursorAsync(step / 20.0, 0.5);
                }
            }

            var shared = await ReadUntilLastCursorAsync(first);
            var fromSecond = await ReadUntilLastCursorAsync(second);
            Assert.Equal(shared.Select(f => Convert.ToHexString(f.Payload)), fromSecond.Select(f => Convert.ToHexString(f.Payload)));

            var compressed = shared.Where(f => f.Compressed).ToList();
            Assert.NotEmpty(compressed);
            Assert.All(compressed, f => Assert.True(f.Payload.Length < Encoding.UTF8.GetByteCount(f.Text)));
            Assert.All(shared, f => Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(f.Text).RootElement.ValueKind));
            Assert.All(shared, f => Assert.False(f.Masked));
        }
        finally
        {
            foreach (var mover in movers)
            {
                await mover.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AMessageThatInflatesPastTheLimit_ClosesWith1009()
    {
        await using var watcher = await server.Instance.ConnectAsync("watcher", room: _room);
        await using var bomber = await server.Instance.ConnectAsync("bomber", room: _room, deflate: true);
        await watcher.WaitForAsync<SnapshotMessage>();
        await bomber.WaitForAsync<SnapshotMessage>();

        // About 100 KB of spaces deflate to a few hundred bytes: the limit counts what they inflate to.
        await bomber.SendTextAsync("{\"type\":\"hello\",\"name\":\"" + new string(' ', 100_000) + "\"}");

        await bomber.WaitForCloseAsync();
        Assert.Equal(PresenceCloseStatus.MessageTooBig, bomber.CloseStatus);
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "bomber");
    }

    [Fact]
    public async Task KeepAlivePings_AreAnswered_BetweenSharedFrames()
    {
        // A client that expects a pong within a second of each ping, pinging every 20 ms: a pong lost or written
        // into the middle of a data frame would end the connection.
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(PresenceProtocol.V2SubProtocol);
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.KeepAliveInterval = TimeSpan.FromMilliseconds(20);
        socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(1);
        await socket.ConnectAsync(WebSocketUris.Create(server.Instance.BaseAddress, "/ws", "pinger", null, null, _room), CancellationToken.None);
        await using var mover = await server.Instance.ConnectAsync("mover", room: _room);

        var received = 0;
        var buffer = new byte[64 * 1024];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        var receive = Task.Run(async () =>
        {
            while (DateTime.UtcNow < deadline)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                if (result.EndOfMessage)
                {
                    received++;
                }
            }
        });

        // The mover keeps moving until the receiver is done, so that its last receive always gets a frame.
        for (var i = 0; !receive.IsCompleted; i++)
        {
            await mover.SendCursorAsync((i % 100) / 100.0, 0.5);
            await Task.Delay(5);
        }

        await receive.WaitAsync(FrameTimeout);
        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.True(received > 10, $"{received} frames in 2 s");
        socket.Abort();
        socket.Dispose();
    }

    [Fact]
    public async Task AnUnsupportedVersion_Gets400_NamingVersion13()
    {
        await using var client = await RawWebSocketClient.ConnectAsync(server.Instance.BaseAddress, $"/ws?room={_room}", "Sec-WebSocket-Version: 8");

        Assert.Equal((int)HttpStatusCode.BadRequest, client.Status);
        Assert.Equal("13", client.Headers["Sec-WebSocket-Version"]);
    }

    private static async Task ReadUntilAsync(RawWebSocketClient client, Func<RawFrame, bool> predicate)
    {
        while (!predicate(await client.ReadFrameAsync(FrameTimeout)))
        {
        }
    }

    private static async Task<List<RawFrame>> ReadUntilLastCursorAsync(RawWebSocketClient client)
    {
        var frames = new List<RawFrame>();
        var finished = new HashSet<int>();
        while (finished.Count < 4)
        {
            var frame = await client.ReadFrameAsync(FrameTimeout);
            frames.Add(frame);
            finished.UnionWith(Enumerable.Range(0, 4).Where(mover => LastCursorOf(frame.Text, mover)));
        }

        return frames;
    }

    private static bool LastCursorOf(string frame, int mover)
    {
        using var document = JsonDocument.Parse(frame);
        return document.RootElement.EnumerateArray().Any(m =>
            m.GetProperty("type").GetString() == "cursor"
            && m.GetProperty("user").GetProperty("id").GetString()!.StartsWith($"mover-{mover}-", StringComparison.Ordinal)
            && m.GetProperty("user").GetProperty("x").GetDouble() == 1.0);
    }
}
