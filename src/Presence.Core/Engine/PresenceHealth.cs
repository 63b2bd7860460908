namespace Presence;

/// <summary>What <see cref="PresenceEngine.CheckHealth"/> found.</summary>
/// <param name="Status">How well the engine serves its clients.</param>
/// <param name="Description">Why, in a sentence for an operator.</param>
public sealed record PresenceHealth(PresenceHealthStatus Status, string Description);
