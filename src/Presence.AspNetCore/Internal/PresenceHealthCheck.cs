using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The engine's own view of its health as an ASP.NET Core health check: degraded while the store is unreachable (the
/// instance serves its own clients only), unhealthy when its loops stopped or its ticks lag.
/// </summary>
internal sealed class PresenceHealthCheck(PresenceEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = engine.CheckHealth();
        var data = new Dictionary<string, object>
        {
            ["store"] = engine.StoreLabel,
            ["connections"] = engine.ConnectionCount,
        };

        var status = health.Status switch
        {
            PresenceHealthStatus.Healthy => HealthStatus.Healthy,
            PresenceHealthStatus.Degraded => HealthStatus.Degraded,
            _ => context.Registration.FailureStatus,
        };

        return Task.FromResult(new HealthCheckResult(status, health.Description, data: data));
    }
}
