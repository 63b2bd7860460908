namespace Presence;

/// <summary>The kinds of message a server sends.</summary>
public enum ServerMessageType
{
    /// <summary><c>{"type":"snapshot","selfId","users":[...],"stateStore"}</c>: the whole roster, always the first message.</summary>
    Snapshot = 1,

    /// <summary><c>{"type":"presence","user"}</c>: a participant joined, or changed its name, colour, state or info.</summary>
    Presence = 2,

    /// <summary><c>{"type":"cursor","user"}</c>: a participant moved.</summary>
    Cursor = 3,

    /// <summary><c>{"type":"leave","id"}</c>: a participant left.</summary>
    Leave = 4,

    /// <summary><c>{"type":"event","name","data"}</c>: an application's event to the room; it changes no roster.</summary>
    Event = 5,
}
