using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Presence.Testing;

/// <summary>A test client over a real <see cref="ClientWebSocket"/>.</summary>
public sealed class WebSocketTestClient : PresenceTestClient
{
    private readonly ClientWebSocket _socket;

    private WebSocketTestClient(ClientWebSocket socket) => _socket = socket;

    public override PresenceCloseStatus? CloseStatus => (PresenceCloseStatus?)_socket.CloseStatus;

    public string? CloseDescription => _socket.CloseStatusDescription;

    public override bool SupportsBinary => true;

    /// <summary>Gets the subprotocol the server accepted: <c>presence.v2</c>, or none for v1.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>Gets the extensions the server accepted, as its Sec-WebSocket-Extensions header said.</summary>
    public string? Extensions =>
        _socket.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var values) == true ? string.Join(", ", values) : null;

    /// <summary>
    /// Connects; with <paramref name="deflate"/>, offering permessage-deflate as browsers do, and compressing what it
    /// sends. Over TLS, it trusts <paramref name="serverCertificate"/> and nothing else.
    /// </summary>
    public static async Task<WebSocketTestClient> ConnectAsync(
        Uri uri,
        PresenceProtocolVersion version = PresenceProtocolVersion.V1,
        bool deflate = false,
        X509Certificate2? serverCertificate = null,
        string? signedInUser = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (signedInUser is not null)
        {
            socket.Options.SetRequestHeader(TestSignIn.Header, signedInUser);
        }

        if (version == PresenceProtocolVersion.V2)
        {
            socket.Options.AddSubProtocol(PresenceProtocol.V2SubProtocol);
        }

        if (deflate)
        {
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        if (serverCertificate is not null)
        {
            socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && certificate.GetCertHashString() == serverCertificate.Thumbprint;
        }

        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new WebSocketTestClient(socket);
    }

    public override Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public override Task SendBinaryAsync(byte[] data) =>
        _socket.SendAsync(data, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>Sends one text message split into frames of <paramref name="frameSize"/> bytes.</summary>
    public async Task SendFragmentedAsync(byte[] message, int frameSize)
    {
        for (var offset = 0; offset < message.Length; offset += frameSize)
        {
            var length = Math.Min(frameSize, message.Length - offset);
            await _socket.SendAsync(message.AsMemory(offset, length), WebSocketMessageType.Text, offset + length == message.Length, CancellationToken.None);
        }
    }

    public override async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
    }

    public override ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return default;
    }

    protected override async Task<string?> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
        {
            return null;
        }

        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            ValueWebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }

                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }
}
