using Microsoft.Extensions.DependencyInjection;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>Server instances in process, each a real Kestrel with its own Redis connection and instance id.</summary>
internal static class RedisInstances
{
    public static Task<KestrelPresenceServer> StartAsync(string connectionString, Action<RedisPresenceOptions>? configure = null) =>
        KestrelPresenceServer.StartAsync(presence: builder => builder.AddRedis(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        }));

    public static async Task WaitUntilAvailableAsync(this KestrelPresenceServer server) =>
        await Eventually.HoldsAsync(() => server.Services.GetRequiredService<IPresenceStore>() is IPresenceStoreHealth { IsAvailable: true });
}
