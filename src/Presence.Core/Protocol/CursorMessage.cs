namespace Presence;

/// <summary>A participant moved their cursor.</summary>
/// <param name="User">The participant as it is now, with the new position.</param>
public sealed record CursorMessage(PresenceUser User) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Cursor;
}
