namespace Presence;

/// <summary>Implemented by a store that can be unavailable, such as one backed by Redis, for health reports.</summary>
public interface IPresenceStoreHealth
{
    /// <summary>
    /// Gets a value telling whether the store is reachable. While it is not, the engine keeps serving local clients
    /// and the instance is degraded: other instances neither hear from it nor are heard.
    /// </summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Gets how many times the store has become unreachable. The engine writes its participants again whenever this
    /// grows, so that a break too short for <see cref="IsAvailable"/> to be seen false (a Redis restarted empty) is
    /// still recovered from.
    /// </summary>
    long Outages => 0;
}
