using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>WebSockets over HTTP/2 (extended CONNECT, RFC 8441), as browsers use them on an HTTP/2 connection.</summary>
public sealed class Http2Tests
{
    [Fact]
    public async Task AnHttp2WebSocket_JoinsAndRelays_LikeAnHttp11One()
    {
        await using var server = await KestrelPresenceServer.StartAsync(protocols: HttpProtocols.Http2);
        using var handler = new SocketsHttpHandler();
        using var invoker = new HttpMessageInvoker(handler);
        using var h2 = new ClientWebSocket();
        h2.Options.HttpVersion = HttpVersion.Version20;
        h2.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        h2.Options.CollectHttpResponseDetails = true;
        h2.Options.AddSubProtocol(PresenceProtocol.V2SubProtocol);
        h2.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        using var timeout = new CancellationTokenSource(PresenceTestClient.DefaultTimeout);
        await h2.ConnectAsync(WebSocketUris.Create(server.BaseAddress, "/ws", "over-h2", null, null, "h2"), invoker, timeout.Token);

        // Extended CONNECT is answered 200, not 101; the subprotocol and compression are negotiated all the same.
        Assert.Equal(HttpStatusCode.OK, h2.HttpStatusCode);
        Assert.Equal(PresenceProtocol.V2SubProtocol, h2.SubProtocol);
        Assert.True(h2.HttpResponseHeaders!.ContainsKey("Sec-WebSocket-Extensions"));

        var snapshot = await ReceiveTextAsync(h2, timeout.Token);
        Assert.Contains("\"selfId\":\"over-h2\"", snapshot, StringComparison.Ordinal);

        await h2.SendAsync("""{"type":"cursor","x":0.25,"y":0.75}"""u8.ToArray(), WebSocketMessageType.Text, true, timeout.Token);
        string frame;
        do
        {
            frame = await ReceiveTextAsync(h2, timeout.Token);
        }
        while (!frame.Contains("\"x\":0.25", StringComparison.Ordinal));

        await h2.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, h2.CloseStatus);
    }

    private static async Task<string> ReceiveTextAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
