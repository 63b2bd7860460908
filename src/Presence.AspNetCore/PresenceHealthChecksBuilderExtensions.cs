using Presence.AspNetCore.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Presence to an application's health checks.</summary>
public static class PresenceHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check of the presence engine: healthy; degraded while its store (Redis) is unreachable and the instance
    /// serves its own clients only; otherwise <paramref name="failureStatus"/> (unhealthy by default) when its background
    /// loops stopped or its ticks lag. Map it with <c>app.MapHealthChecks("/health")</c>.
    /// </summary>
    /// <param name="builder">The application's health checks, from <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name in reports.</param>
    /// <param name="failureStatus">What a stalled engine reports; <see langword="null"/> for unhealthy.</param>
    /// <param name="tags">Tags to filter checks by, such as <c>ready</c>.</param>
    /// <returns>The builder, for more checks.</returns>
    public static IHealthChecksBuilder AddPresence(
        this IHealthChecksBuilder builder,
        string name = "presence",
        Diagnostics.HealthChecks.HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<PresenceHealthCheck>(name, failureStatus, tags ?? []);
    }
}
