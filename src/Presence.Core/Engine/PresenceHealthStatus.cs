namespace Presence;

/// <summary>How well an engine serves its clients, from <see cref="PresenceEngine.CheckHealth"/>.</summary>
public enum PresenceHealthStatus
{
    /// <summary>Everything works.</summary>
    Healthy = 0,

    /// <summary>The store is unreachable: the instance serves its own clients, and other instances neither hear from it nor are heard.</summary>
    Degraded = 1,

    /// <summary>The ticks are late or have stopped: v2 clients receive nothing, or late.</summary>
    Unhealthy = 2,
}
