using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Presence;
using Presence.AspNetCore;
using Presence.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Presence in an ASP.NET Core application.</summary>
public static class PresenceServiceCollectionExtensions
{
    /// <summary>
    /// Adds the presence engine with the in-memory roster, and the WebSocket transport's services. Options are bound from the configuration section
    /// <c>Presence</c> (see <see cref="PresenceOptions"/>) and validated when the application starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Changes the options after configuration is bound.</param>
    /// <returns>A builder for adapters such as a store.</returns>
    public static IPresenceBuilder AddPresence(this IServiceCollection services, Action<PresenceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var builder = services.AddPresenceCore();
        services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName);
        services.AddOptions<InMemoryPresenceRosterOptions>().BindConfiguration($"{PresenceOptions.SectionName}:Memory");
        services.AddOptions<PresenceWebSocketOptions>().BindConfiguration(PresenceWebSocketOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceWebSocketOptions>, PresenceWebSocketOptionsValidator>());
        services.AddOptions<PresenceIdentityOptions>().BindConfiguration(PresenceIdentityOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceIdentityOptions>, PresenceIdentityOptionsValidator>());
        services.TryAddSingleton(static provider => new AddressLimits(provider.GetRequiredService<IOptions<PresenceWebSocketOptions>>().Value));

        // A v2 client's messages reach others only in the next tick's frame: its reads wait for the tick (ReceiveGate).
        services.TryAddSingleton<ReceiveGate>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPresenceTickListener, ReceiveGate>(static provider => provider.GetRequiredService<ReceiveGate>()));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
