namespace Presence;

/// <summary>The kinds of message a client sends.</summary>
public enum ClientMessageType
{
    /// <summary><c>{"type":"hello","name","color"}</c>: sets the sender's name and colour.</summary>
    Hello = 1,

    /// <summary><c>{"type":"cursor","x","y"}</c>: moves the sender's cursor.</summary>
    Cursor = 2,
}
