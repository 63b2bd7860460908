using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Presence.AspNetCore.Internal;

/// <summary>Accepts a WebSocket, reads the join request from the query string and hands the connection to the engine.</summary>
/// <remarks>
/// What a client must pass before the upgrade, in order: a WebSocket request (400), an allowed origin (403), the
/// per-address rate and cap (429), a valid room name (400), a usable id claim when signed in (403), and the
/// application's join hooks (close 4003 after the upgrade). See <c>docs/security.md</c> and <c>docs/identity.md</c>.
/// </remarks>
internal sealed partial class PresenceEndpointHandler(
    PresenceEngine engine,
    ReceiveGate gate,
    IOptions<PresenceOptions> options,
    IOptions<PresenceWebSocketOptions> webSocketOptions,
    IOptions<PresenceIdentityOptions> identityOptions,
    IEnumerable<PresenceJoinHook> joinHooks,
    AddressLimits addressLimits,
    IHostApplicationLifetime lifetime,
    ILogger<PresenceEndpointHandler> logger)
{
    private readonly OriginPolicy _origins = new(webSocketOptions.Value.AllowedOrigins);
    private readonly PresenceJoinHook[] _joinHooks = [.. joinHooks];

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

        if (!_origins.Allows(context.Request))
        {
            Log.OriginRefused(logger, context.Request.Headers.Origin.ToString());
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("This origin may not connect.", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var admission = addressLimits.Admit(context.Connection.RemoteIpAddress);
        if (admission.Refusal != AddressRefusal.None)
        {
            Log.AddressRefused(logger, context.Connection.RemoteIpAddress?.ToString(), admission.Refusal);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            if (admission.RetryAfter > TimeSpan.Zero)
            {
                context.Response.Headers.RetryAfter = Math.Ceiling(admission.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await context.Response.WriteAsync(
                admission.Refusal == AddressRefusal.TooFast ? "Too many connections opened from this address; retry later." : "Too many connections open from this address.",
                context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var lease = admission.Lease;

        // A client that offers the presence.v2 subprotocol gets batched ticks; any other speaks v1, the seed's protocol.
        var v2 = handshake.RequestedProtocols.Contains(PresenceProtocol.V2SubProtocol);
        var query = context.Request.Query;
        var request = new PresenceJoinRequest(query["id"], query["name"], query["color"], query["room"])
        {
            Version = v2 ? PresenceProtocolVersion.V2 : PresenceProtocolVersion.V1,
            ResumeToken = query["resume"],
        };
        if (!PresenceRules.TryCleanRoom(request.Room, out var room))
        {
            Log.InvalidRoom(logger);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("The room must be 1 to 64 characters of [A-Za-z0-9_-].", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // A signed-in user is who the app says: the query's id counts for nothing then.
        if (context.User.Identity?.IsAuthenticated == true)
        {
            if (!SignedInIdentity.TryRead(context.User, identityOptions.Value, out var id, out var name, out var info))
            {
                Log.NoIdClaim(logger, identityOptions.Value.IdClaimType);
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync("The signed-in user has no id claim.", context.RequestAborted).ConfigureAwait(false);
                return;
            }

            request = request with { Id = id, Name = name ?? request.Name, IsAuthenticated = true, ResumeToken = null, Info = info };
        }

        if (_joinHooks.Length > 0)
        {
            var join = new PresenceJoinContext(context, room, request.Id, request.IsAuthenticated, request.Name, request.Color) { Info = request.Info };
            foreach (var hook in _joinHooks)
            {
                var decision = await hook.DecideAsync(join).ConfigureAwait(false);
                if (decision.IsRejected)
                {
                    Log.JoinRejected(logger, request.Id, room);
                    await RejectAsync(handshake, decision.Reason!).ConfigureAwait(false);
                    return;
                }
            }

            request = request with { Name = join.Name, Color = join.Color, Info = join.Info };
        }

        var accepted = await handshake.AcceptAsync(
            v2 ? PresenceProtocol.V2SubProtocol : null,
            options.Value.EnableCompression,
            webSocketOptions.Value,
            v2 ? gate : null).ConfigureAwait(false);
        using var socket = accepted.Socket;
        using var transport = new WebSocketPresenceTransport(accepted, options.Value.MaximumMessageSize, webSocketOptions.Value.IncompleteMessageTimeout);
        await engine.RunAsync(transport, request, lifetime.ApplicationStopping).ConfigureAwait(false);
    }

    // Accepted only to say why: a browser sees a refused upgrade as 1006 and nothing more, a close frame's reason it does.
    private async Task RejectAsync(WebSocketHandshake handshake, string reason)
    {
        var accepted = await handshake.AcceptAsync(null, offerCompression: false, webSocketOptions.Value, gate: null).ConfigureAwait(false);
        using var socket = accepted.Socket;
        using var timeout = new CancellationTokenSource(options.Value.CloseTimeout);
        try
        {
            await socket.CloseAsync((System.Net.WebSockets.WebSocketCloseStatus)PresenceCloseStatus.Forbidden, CloseReason.Cut(reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
        {
            // The client went, or never answered the close: the frame was sent, and that is all it was owed.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(4, LogLevel.Information, "Refused a presence connection: the signed-in user has no {ClaimType} claim.", EventName = "NoIdClaim")]
        public static partial void NoIdClaim(ILogger logger, string claimType);

        [LoggerMessage(5, LogLevel.Information, "A join hook refused {ParticipantId} in room {Room}.", EventName = "JoinRejected")]
        public static partial void JoinRejected(ILogger logger, string? participantId, string room);

        [LoggerMessage(1, LogLevel.Debug, "Refused a presence connection: invalid room name.", EventName = "InvalidRoom")]
        public static partial void InvalidRoom(ILogger logger);

        [LoggerMessage(2, LogLevel.Information, "Refused a presence connection from origin {Origin}: not allowed.", EventName = "OriginRefused")]
        public static partial void OriginRefused(ILogger logger, string origin);

        [LoggerMessage(3, LogLevel.Information, "Refused a presence connection from {Address}: {Refusal}.", EventName = "AddressRefused")]
        public static partial void AddressRefused(ILogger logger, string? address, AddressRefusal refusal);
    }
}
