using Microsoft.AspNetCore.Http;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// Decides whether a page may open a presence connection, from its <c>Origin</c>: browsers send one with every
/// WebSocket upgrade and let any page open one to any server, so without this check any site could read a room its
/// visitor's browser can reach (cross-site WebSocket hijacking).
/// </summary>
internal sealed class OriginPolicy
{
    private readonly bool _any;
    private readonly HashSet<string> _allowed = new(StringComparer.OrdinalIgnoreCase);

    public OriginPolicy(IEnumerable<string> allowedOrigins)
    {
        foreach (var origin in allowedOrigins)
        {
            if (origin.Trim() == "*")
            {
                _any = true;
            }
            else if (Normalize(origin) is { } normalized)
            {
                _allowed.Add(normalized);
            }
        }
    }

    public bool Allows(HttpRequest request)
    {
        var origins = request.Headers.Origin;
        if (origins.Count == 0)
        {
            // Not from a page: browsers always send an Origin with a WebSocket upgrade.
            return true;
        }

        if (_any)
        {
            return true;
        }

        // One value only: a page has one origin. "null" (a sandboxed frame, a file) is no origin anyone can name.
        if (origins.Count != 1 || Normalize(origins[0]) is not { } origin)
        {
            return false;
        }

        return _allowed.Contains(origin) || IsSameOrigin(origin, request);
    }

    // The page's authority must be the one the request was sent to. The scheme is not compared: behind a proxy that
    // ends TLS, an https page reaches the server over http. A foreign Host (DNS rebinding) is the host filter's to refuse.
    private static bool IsSameOrigin(string origin, HttpRequest request)
    {
        if (!request.Host.HasValue || !Uri.TryCreate(origin, UriKind.Absolute, out var page))
        {
            return false;
        }

        var host = request.Host;
        var port = host.Port ?? (page.Scheme == Uri.UriSchemeHttps ? 443 : 80);
        return string.Equals(page.IdnHost.Trim('[', ']'), host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
            && page.Port == port;
    }

    private static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin)
            || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.PathAndQuery is not ("/" or ""))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}
