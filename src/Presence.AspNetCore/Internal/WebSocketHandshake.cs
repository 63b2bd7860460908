using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Net.Http.Headers;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// Accepts a WebSocket over HTTP/1.1 (RFC 6455 section 4.2) or HTTP/2 (RFC 8441), as ASP.NET Core's middleware
/// does, but over a <see cref="WebSocketConnectionStream"/>, so that the presence transport can write frames that are
/// encoded once for all recipients, and with the permessage-deflate terms of <see cref="PerMessageDeflateNegotiation"/>.
/// </summary>
internal sealed class WebSocketHandshake
{
    private const string SupportedVersion = "13";
    private static readonly byte[] AcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8.ToArray();

    private readonly HttpContext _context;
    private readonly IHttpExtendedConnectFeature? _connect;

    private WebSocketHandshake(HttpContext context, IHttpExtendedConnectFeature? connect)
    {
        _context = context;
        _connect = connect;
    }

    /// <summary>Gets the subprotocols the client offered, in its order.</summary>
    public IReadOnlyList<string> RequestedProtocols =>
        _context.Request.Headers.GetCommaSeparatedValues(HeaderNames.SecWebSocketProtocol);

    /// <summary>Reads a WebSocket opening request. Returns <see langword="null"/> when the request is not a valid one.</summary>
    public static WebSocketHandshake? TryRead(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (!headers.GetCommaSeparatedValues(HeaderNames.SecWebSocketVersion).Contains(SupportedVersion, StringComparer.Ordinal))
        {
            return null;
        }

        var connect = context.Features.Get<IHttpExtendedConnectFeature>();
        if (connect is { IsExtendedConnect: true })
        {
            return HttpMethods.IsConnect(context.Request.Method) && string.Equals(connect.Protocol, "websocket", StringComparison.OrdinalIgnoreCase)
                ? new WebSocketHandshake(context, connect)
                : null;
        }

        var upgradable = context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && HttpMethods.IsGet(context.Request.Method)
            && Contains(headers.GetCommaSeparatedValues(HeaderNames.Upgrade), "websocket")
            && Contains(headers.GetCommaSeparatedValues(HeaderNames.Connection), "upgrade")
            && IsValidKey(headers.SecWebSocketKey.ToString());
        return upgradable ? new WebSocketHandshake(context, null) : null;
    }

    /// <summary>Tells whether the request asked for a WebSocket with a version this server does not speak.</summary>
    public static bool IsUnsupportedVersion(HttpContext context) =>
        context.Request.Headers.ContainsKey(HeaderNames.SecWebSocketVersion)
        && !context.Request.Headers.GetCommaSeparatedValues(HeaderNames.SecWebSocketVersion).Contains(SupportedVersion, StringComparer.Ordinal);

    /// <summary>Answers the handshake and opens the socket.</summary>
    /// <param name="subProtocol">The subprotocol chosen among <see cref="RequestedProtocols"/>, if any.</param>
    /// <param name="offerCompression">Whether to accept a permessage-deflate offer.</param>
    /// <param name="options">The endpoint's keep-alive settings.</param>
    /// <param name="gate">Where the socket's reads wait for the engine's tick, for a v2 client; <see langword="null"/> to read at once.</param>
    public async Task<AcceptedWebSocket> AcceptAsync(string? subProtocol, bool offerCompression, PresenceWebSocketOptions options, ReceiveGate? gate)
    {
        var response = _context.Response.Headers;
        if (subProtocol is not null)
        {
            response.SecWebSocketProtocol = subProtocol;
        }

        var deflate = false;
        if (offerCompression && PerMessageDeflateNegotiation.TryNegotiate(
            _context.Request.Headers.GetCommaSeparatedValues(HeaderNames.SecWebSocketExtensions), out var extensions))
        {
            response.SecWebSocketExtensions = extensions;
            deflate = true;
        }

        Stream opaque;
        if (_connect is not null)
        {
            opaque = await _connect.AcceptAsync().ConfigureAwait(false);
        }
        else
        {
            response.Connection = "Upgrade";
            response.Upgrade = "websocket";
            response.SecWebSocketAccept = AcceptKey(_context.Request.Headers.SecWebSocketKey.ToString());
            opaque = await _context.Features.GetRequiredFeature<IHttpUpgradeFeature>().UpgradeAsync().ConfigureAwait(false);
        }

        // A WebSocket lives far longer than any request timeout.
        _context.Features.Get<IHttpRequestTimeoutFeature>()?.DisableTimeout();

        var stream = new WebSocketConnectionStream(_context, opaque);
        if (_connect is null && _context.Features.Get<IConnectionTransportFeature>() is { } transport)
        {
            // After an HTTP/1.1 upgrade the connection carries nothing but this socket, and its request stream only
            // passes reads on to the connection's buffer: reading that buffer directly is the same, with fewer layers,
            // and lets a v2 client's reads wait for the tick. (HTTP/2 multiplexes the connection: it reads as before.)
            stream.ReadThrough(new ConnectionInput(transport.Transport.Input, gate));
        }

        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,
            SubProtocol = subProtocol,
            KeepAliveInterval = options.KeepAliveInterval,
            KeepAliveTimeout = options.KeepAliveTimeout,
            DangerousDeflateOptions = deflate
                ? new WebSocketDeflateOptions { ClientContextTakeover = false, ServerContextTakeover = false }
                : null,
        });
        stream.WebSocket = socket;
        return new AcceptedWebSocket(socket, stream, deflate);
    }

    private static bool Contains(string[] values, string token) =>
        Array.Exists(values, value => string.Equals(value, token, StringComparison.OrdinalIgnoreCase));

    private static bool IsValidKey(string key)
    {
        Span<byte> decoded = stackalloc byte[16];
        return key.Length == 24 && Convert.TryFromBase64String(key, decoded, out var written) && written == 16;
    }

    // RFC 6455 section 4.2.2: base64 of the SHA-1 of the key followed by the protocol's GUID. SHA-1 is what the
    // protocol prescribes for this proof of a WebSocket server; it protects nothing.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "RFC 6455 prescribes SHA-1 for the accept key.")]
    private static string AcceptKey(string key)
    {
        Span<byte> input = stackalloc byte[24 + 36];
        Encoding.ASCII.GetBytes(key, input);
        AcceptGuid.CopyTo(input[24..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input, hash);
        return Convert.ToBase64String(hash);
    }
}
