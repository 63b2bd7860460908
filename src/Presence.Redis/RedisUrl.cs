using System.Globalization;
using StackExchange.Redis;

namespace Presence.Redis;

/// <summary>Reads the seed's <c>REDIS_URL</c> form into StackExchange.Redis options.</summary>
public static class RedisUrl
{
    /// <summary>Tells whether <paramref name="value"/> is a <c>redis://</c> or <c>rediss://</c> URL.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> for a Redis URL.</returns>
    public static bool IsRedisUrl(string? value) =>
        value is not null
        && (value.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Parses <c>redis://[user:password@]host[:port][/db]</c>; <c>rediss://</c> turns TLS on. The user and password
    /// may be percent-encoded; the port defaults to 6379 and the database to 0.
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <returns>Options that keep reconnecting rather than fail when Redis is away at start-up.</returns>
    /// <exception cref="FormatException">The value is not a Redis URL.</exception>
    public static ConfigurationOptions Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!IsRedisUrl(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException("A Redis URL has the form redis://[user:password@]host[:port][/db] or rediss://….");
        }

        var options = new ConfigurationOptions
        {
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
            AbortOnConnectFail = false,
        };
        options.EndPoints.Add(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port);
        if (options.Ssl)
        {
            options.SslHost = uri.Host;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var separator = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            var user = Uri.UnescapeDataString(separator < 0 ? uri.UserInfo : uri.UserInfo[..separator]);
            var password = separator < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(separator + 1)..]);
            if (password is null)
            {
                // redis://secret@host: a lone value is the password, as redis-cli reads it.
                options.Password = user;
            }
            else
            {
                options.User = string.IsNullOrEmpty(user) ? null : user;
                options.Password = password;
            }
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = int.TryParse(path, NumberStyles.None, CultureInfo.InvariantCulture, out var database)
                ? database
                : throw new FormatException($"The database in a Redis URL is a number, not '{path}'.");
        }

        return options;
    }
}
