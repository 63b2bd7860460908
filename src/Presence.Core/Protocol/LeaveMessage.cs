namespace Presence;

/// <summary>A participant left the room.</summary>
/// <param name="Id">The id of the participant who left.</param>
public sealed record LeaveMessage(string Id) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Leave;
}
