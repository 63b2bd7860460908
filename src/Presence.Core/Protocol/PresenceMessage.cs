namespace Presence;

/// <summary>A participant joined, or changed name or colour.</summary>
/// <param name="User">The participant as it is now.</param>
public sealed record PresenceMessage(PresenceUser User) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Presence;
}
