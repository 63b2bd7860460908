using System.Globalization;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The server's side of the permessage-deflate negotiation (RFC 7692): which client offer to accept, and the answer.
/// </summary>
/// <remarks>
/// The answer always asks for no context takeover in both directions. The server compresses a shared frame once for
/// every recipient, which is only possible when each message stands alone; and a client that keeps its context would
/// pin an inflater of some 40 KB per connection on the server, where a message-long one comes from a pool.
/// </remarks>
internal static class PerMessageDeflateNegotiation
{
    public const string Response = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
    private const string ExtensionName = "permessage-deflate";

    // The server compresses with DeflateStream, whose window is always 2^15 bytes.
    private const int ServerWindowBits = 15;

    /// <summary>Picks the first offer the server can honour, and gives the header value that accepts it.</summary>
    /// <param name="offers">The values of the request's Sec-WebSocket-Extensions headers, comma-separated or not.</param>
    /// <param name="response">The Sec-WebSocket-Extensions value to answer with.</param>
    /// <returns><see langword="true"/> when an offer is accepted.</returns>
    public static bool TryNegotiate(IEnumerable<string?> offers, out string response)
    {
        foreach (var header in offers)
        {
            if (header is null)
            {
                continue;
            }

            foreach (var offer in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (TryAccept(offer, out response))
                {
                    return true;
                }
            }
        }

        response = string.Empty;
        return false;
    }

    private static bool TryAccept(string offer, out string response)
    {
        response = string.Empty;
        var parts = offer.Split(';', StringSplitOptions.TrimEntries);
        if (!string.Equals(parts[0], ExtensionName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var echoServerWindow = false;
        foreach (var parameter in parts.AsSpan(1))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = (equals < 0 ? parameter : parameter[..equals]).Trim();
            var value = equals < 0 ? null : parameter[(equals + 1)..].Trim().Trim('"');

            // RFC 7692 section 7: an offer with a parameter twice, or one it does not define, is declined.
            if (!seen.Add(name))
            {
                return false;
            }

            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover" or "client_no_context_takeover" when value is null:
                    break;
                case "client_max_window_bits" when value is null || IsWindowBits(value, out _):
                    // The answer does not name it, so the client may use up to 15 bits: the inflater takes any.
                    break;
                case "server_max_window_bits" when IsWindowBits(value, out var bits):
                    // A smaller window cannot be promised by this compressor: decline the offer.
                    if (bits < ServerWindowBits)
                    {
                        return false;
                    }

                    echoServerWindow = true;
                    break;
                default:
                    return false;
            }
        }

        // An offer that names server_max_window_bits is accepted only by naming it back.
        response = echoServerWindow ? Response + "; server_max_window_bits=15" : Response;
        return true;
    }

    private static bool IsWindowBits(string? value, out int bits) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bits) && bits is >= 8 and <= 15;
}
