namespace Presence;

/// <summary>A message from the server: <see cref="SnapshotMessage"/>, <see cref="PresenceMessage"/>, <see cref="CursorMessage"/>, <see cref="LeaveMessage"/> or <see cref="EventMessage"/>.</summary>
public abstract record ServerMessage
{
    private protected ServerMessage()
    {
    }

    /// <summary>Gets the kind of message.</summary>
    public abstract ServerMessageType Type { get; }
}
