using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Presence;
using Presence.Redis;
using Presence.Redis.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Scales Presence out with Redis.</summary>
public static class RedisPresenceBuilderExtensions
{
    /// <summary>The configuration section the Redis options are bound from.</summary>
    public const string SectionName = "Presence:Redis";

    /// <summary>
    /// Replaces the in-memory roster with Redis and adds a Redis backplane: rosters shared by every instance, pub/sub
    /// between them, crash cleanup and outage recovery. Options are bound from <c>Presence:Redis</c> and validated at start-up.
    /// </summary>
    /// <param name="builder">The builder from <c>AddPresence</c>.</param>
    /// <param name="configure">Sets the connection and other options.</param>
    /// <returns>The builder.</returns>
    public static IPresenceBuilder AddRedis(this IPresenceBuilder builder, Action<RedisPresenceOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        var options = services.AddOptions<RedisPresenceOptions>().BindConfiguration(SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.ConnectionString is not null || o.ConnectionFactory is not null, "Presence:Redis needs a ConnectionString or a ConnectionFactory.")
            .Validate(o => !RedisUrl.IsRedisUrl(o.ConnectionString) || CanParse(o.ConnectionString!), "Presence:Redis:ConnectionString is not a valid redis:// URL.")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisPresenceOptions>, RedisPresenceOptionsValidator>());

        // One connection for the roster and the backplane, so that what they send for a room travels in order.
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<RedisPresenceRoster>();
        services.TryAddSingleton<RedisPresenceBackplane>();
        services.Replace(ServiceDescriptor.Singleton<IPresenceRoster>(static provider => provider.GetRequiredService<RedisPresenceRoster>()));
        services.Replace(ServiceDescriptor.Singleton<IPresenceBackplane>(static provider => provider.GetRequiredService<RedisPresenceBackplane>()));
        services.AddHostedService<RedisPresenceMaintenance>();
        return builder;
    }

    /// <summary>Scales out with Redis, configured from the <c>Presence:Redis</c> section alone.</summary>
    /// <param name="builder">The builder from <c>AddPresence</c>.</param>
    /// <returns>The builder.</returns>
    public static IPresenceBuilder AddRedis(this IPresenceBuilder builder) => builder.AddRedis(configure: null);

    /// <summary>Scales out with Redis at <paramref name="connectionString"/>.</summary>
    /// <param name="builder">The builder from <c>AddPresence</c>.</param>
    /// <param name="connectionString">A <c>redis://</c> URL, as <c>REDIS_URL</c> holds it, or a StackExchange.Redis configuration string.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is missing: typically an unset configuration value.</exception>
    public static IPresenceBuilder AddRedis(this IPresenceBuilder builder, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                "AddRedis was given no Redis connection string. Set the value it is read from (such as the REDIS_URL variable) to a redis:// URL, or call AddRedis() to read the Presence:Redis section.",
                nameof(connectionString));
        }

        return builder.AddRedis(options => options.ConnectionString = connectionString);
    }

    private static bool CanParse(string url)
    {
        try
        {
            RedisUrl.Parse(url);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
