namespace Presence;

/// <summary>The kinds of message a client sends.</summary>
public enum ClientMessageType
{
    /// <summary><c>{"type":"hello","name","color"}</c>: sets the sender's name and colour.</summary>
    Hello = 1,

    /// <summary><c>{"type":"cursor","x","y"}</c>: moves the sender's cursor.</summary>
    Cursor = 2,

    /// <summary>
    /// <c>{"type":"state","set":{…}}</c> or <c>{"type":"state","replace":{…}}</c>: merges top-level keys into the
    /// sender's <see cref="PresenceUser.State"/> (a <c>null</c> removes its key), or replaces it whole.
    /// </summary>
    State = 3,
}
