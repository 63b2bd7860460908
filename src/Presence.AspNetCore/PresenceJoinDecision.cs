namespace Presence.AspNetCore;

/// <summary>What a join hook decided: let the client join, or refuse it with a reason the client is told.</summary>
public sealed class PresenceJoinDecision
{
    private PresenceJoinDecision(string? reason) => Reason = reason;

    /// <summary>Gets the decision that lets the client join.</summary>
    public static PresenceJoinDecision Allow { get; } = new(null);

    /// <summary>Gets a value telling whether the join is refused.</summary>
    public bool IsRejected => Reason is not null;

    /// <summary>Gets why the join is refused, as the client is told it; <see langword="null"/> when it is allowed.</summary>
    public string? Reason { get; }

    /// <summary>
    /// Refuses the join: the WebSocket is accepted and closed at once with <see cref="PresenceCloseStatus.Forbidden"/>
    /// (4003) and <paramref name="reason"/> (cut to the 123 bytes a close frame carries), so that a browser can tell it.
    /// </summary>
    /// <param name="reason">Why, for the client: no secrets.</param>
    /// <returns>The decision.</returns>
    public static PresenceJoinDecision Reject(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(reason);
    }
}
