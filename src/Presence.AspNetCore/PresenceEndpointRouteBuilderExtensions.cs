using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Presence.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the presence WebSocket endpoint.</summary>
public static class PresenceEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves presence over WebSockets at <paramref name="pattern"/>. Clients connect with
    /// <c>?id=&amp;name=&amp;color=&amp;room=</c>; a request that is not a WebSocket upgrade gets 400, and so does an
    /// invalid room name, a page of another origin gets 403, and an address past its caps 429. The endpoint accepts
    /// WebSockets itself, so <c>UseWebSockets()</c> is not needed; its keep-alive, origin and per-address settings are
    /// <see cref="Presence.AspNetCore.PresenceWebSocketOptions"/> (see <c>docs/security.md</c>).
    /// </summary>
    /// <param name="endpoints">The application's endpoints.</param>
    /// <param name="pattern">The route, such as <c>/ws</c>.</param>
    /// <returns>A builder to add conventions to the endpoint, such as authorisation or CORS.</returns>
    public static IEndpointConventionBuilder MapPresence(this IEndpointRouteBuilder endpoints, string pattern)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);

        // Made for the first request, not here: what it reads (the engine, the options) is validated when the host
        // starts, every section at once, so that a mistake names all the bad settings rather than the first one read.
        var services = endpoints.ServiceProvider;
        var handler = new Lazy<PresenceEndpointHandler>(() => ActivatorUtilities.CreateInstance<PresenceEndpointHandler>(services));
        return endpoints.Map(pattern, context => handler.Value.HandleAsync(context)).WithDisplayName($"Presence {pattern}");
    }
}
