using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Presence;
using Presence.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the transport-agnostic parts of Presence.</summary>
public static class PresenceCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the presence engine, the in-memory roster (a single instance: no backplane) and the validation of their options, without any transport.
    /// Every registration is a default that a later one replaces. Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for adapters such as a store.</returns>
    public static IPresenceBuilder AddPresenceCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<PresenceOptions>().ValidateOnStart();
        services.AddOptions<InMemoryPresenceRosterOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceOptions>, PresenceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryPresenceRosterOptions>, InMemoryPresenceRosterOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPresenceRoster, InMemoryPresenceRoster>();
        services.TryAddSingleton<PresenceEngine>();
        services.TryAddSingleton<IPresenceRooms>(static provider => provider.GetRequiredService<PresenceEngine>());
        return new PresenceBuilder(services);
    }
}
