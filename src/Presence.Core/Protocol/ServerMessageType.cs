namespace Presence;

/// <summary>The kinds of message a server sends.</summary>
public enum ServerMessageType
{
    /// <summary><c>{"type":"snapshot","selfId","users":[...],"stateStore"}</c>: the whole roster, always the first message.</summary>
    Snapshot = 1,

    /// <summary><c>{"type":"presence","user"}</c>: a participant joined or changed name or colour.</summary>
    Presence = 2,

    /// <summary><c>{"type":"cursor","user"}</c>: a participant moved.</summary>
    Cursor = 3,

    /// <summary><c>{"type":"leave","id"}</c>: a participant left.</summary>
    Leave = 4,
}
