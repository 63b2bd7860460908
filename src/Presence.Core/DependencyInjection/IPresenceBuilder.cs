using Microsoft.Extensions.DependencyInjection;

namespace Presence;

/// <summary>
/// Returned by <c>AddPresence</c> and <c>AddPresenceCore</c>, so that adapters such as the Redis store can replace
/// the defaults: <c>services.AddPresence().AddRedis(...)</c>.
/// </summary>
public interface IPresenceBuilder
{
    /// <summary>Gets the services being configured.</summary>
    IServiceCollection Services { get; }
}
