namespace Presence;

/// <summary>
/// An application's event to a room, <c>{"type":"event","name","data"}</c>, sent by server code through
/// <see cref="IPresenceRooms.SendAsync"/>. The roster is not changed by it: a reducer ignores it.
/// </summary>
/// <param name="Name">What kind of event it is: 1 to 64 characters of <c>[A-Za-z0-9_-]</c>, as ids are.</param>
/// <param name="Data">The event's payload, a JSON object.</param>
public sealed record EventMessage(string Name, PresenceState Data) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Event;
}
