using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.AspNetCore.Internal;

/// <summary>Accepts a WebSocket, reads the join request from the query string and hands the connection to the engine.</summary>
internal sealed partial class PresenceEndpointHandler(
    PresenceEngine engine,
    ReceiveGate gate,
    IOptions<PresenceOptions> options,
    IOptions<WebSocketOptions> webSocketOptions,
    IHostApplicationLifetime lifetime,
    ILogger<PresenceEndpointHandler> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (WebSocketHandshake.TryRead(context) is not { } handshake)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            if (WebSocketHandshake.IsUnsupportedVersion(context))
            {
                // RFC 6455 section 4.4: name the version this server speaks.
                context.Response.Headers.SecWebSocketVersion = "13";
            }

            await context.Response.WriteAsync("Presence expects a WebSocket upgrade.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // A client that offers the presence.v2 subprotocol gets batched ticks; any other speaks v1, the seed's protocol.
        var v2 = handshake.RequestedProtocols.Contains(PresenceProtocol.V2SubProtocol);
        var query = context.Request.Query;
        var request = new PresenceJoinRequest(query["id"], query["name"], query["color"], query["room"])
        {
            Version = v2 ? PresenceProtocolVersion.V2 : PresenceProtocolVersion.V1,
        };
        if (!PresenceRules.TryCleanRoom(request.Room, out _))
        {
            Log.InvalidRoom(logger);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The room must be 1 to 64 characters of [A-Za-z0-9_-].", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var accepted = await handshake.AcceptAsync(
            v2 ? PresenceProtocol.V2SubProtocol : null,
            options.Value.EnableCompression,
            webSocketOptions.Value,
            v2 ? gate : null).ConfigureAwait(false);
        using var socket = accepted.Socket;
        using var transport = new WebSocketPresenceTransport(accepted, options.Value.MaximumMessageSize);
        await engine.RunAsync(transport, request, lifetime.ApplicationStopping).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Refused a presence connection: invalid room name.", EventName = "InvalidRoom")]
        public static partial void InvalidRoom(ILogger logger);
    }
}
