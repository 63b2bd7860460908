using Microsoft.Extensions.DependencyInjection;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>Server instances in process, each a real Kestrel with its own Redis connection and instance id.</summary>
internal static class RedisInstances
{
    /// <summary>Starts an instance and waits until its Redis connection is up.</summary>
    public static async Task<KestrelPresenceServer> StartAsync(
        string connectionString, Action<RedisPresenceOptions>? configure = null, Action<PresenceOptions>? presence = null)
    {
        var server = await KestrelPresenceServer.StartAsync(configure: presence, presence: builder => builder.AddRedis(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        }));
        await server.WaitUntilAvailableAsync();
        return server;
    }

    public static async Task WaitUntilAvailableAsync(this KestrelPresenceServer server) =>
        await Eventually.HoldsAsync(() => server.Engine.CheckHealth().Status == PresenceHealthStatus.Healthy);
}
