using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Presence;
using Presence.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the transport-agnostic parts of Presence.</summary>
public static class PresenceCoreServiceCollectionExtensions
{
    /// <summary>
    /// Adds the presence engine, the in-memory store and the validation of their options, without any transport.
    /// Every registration is a default that a later one replaces. Calling it twice is harmless.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder for adapters such as a store.</returns>
    public static IPresenceBuilder AddPresenceCore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<PresenceOptions>().ValidateOnStart();
        services.AddOptions<InMemoryPresenceStoreOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PresenceOptions>, PresenceOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InMemoryPresenceStoreOptions>, InMemoryPresenceStoreOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPresenceStore, InMemoryPresenceStore>();
        services.TryAddSingleton<PresenceEngine>();
        return new PresenceBuilder(services);
    }
}
