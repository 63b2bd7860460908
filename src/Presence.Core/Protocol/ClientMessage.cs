namespace Presence;

/// <summary>
/// A message from a client. A struct, so that parsing the hot <c>cursor</c> message allocates nothing.
/// </summary>
/// <remarks>
/// A field is <see langword="null"/> when it was absent or of the wrong JSON type. The server then keeps the
/// participant's previous value for it (see <see cref="PresenceRules"/>).
/// </remarks>
public readonly record struct ClientMessage
{
    private ClientMessage(ClientMessageType type, string? name, string? color, double? x, double? y, PresenceState? state = null, bool replacesState = false)
    {
        Type = type;
        Name = name;
        Color = color;
        X = x;
        Y = y;
        State = state;
        ReplacesState = replacesState;
    }

    /// <summary>Gets the kind of message.</summary>
    public ClientMessageType Type { get; }

    /// <summary>Gets the requested name of a <c>hello</c>, uncleaned.</summary>
    public string? Name { get; }

    /// <summary>Gets the requested colour of a <c>hello</c>, uncleaned.</summary>
    public string? Color { get; }

    /// <summary>Gets the horizontal position of a <c>cursor</c>, unclamped; it may be infinite.</summary>
    public double? X { get; }

    /// <summary>Gets the vertical position of a <c>cursor</c>, unclamped; it may be infinite.</summary>
    public double? Y { get; }

    /// <summary>
    /// Gets the object of a <c>state</c> message: the keys to set (a <c>null</c> value removes its key), or the whole
    /// new state when <see cref="ReplacesState"/>.
    /// </summary>
    public PresenceState? State { get; }

    /// <summary>Gets a value telling whether a <c>state</c> message replaces the state (<c>replace</c>) rather than merging into it (<c>set</c>).</summary>
    public bool ReplacesState { get; }

    /// <summary>Creates a <c>hello</c> message.</summary>
    /// <param name="name">The name, or <see langword="null"/> to leave it out.</param>
    /// <param name="color">The colour, or <see langword="null"/> to leave it out.</param>
    /// <returns>The message.</returns>
    public static ClientMessage Hello(string? name, string? color) => new(ClientMessageType.Hello, name, color, null, null);

    /// <summary>Creates a <c>cursor</c> message.</summary>
    /// <param name="x">The horizontal position, or <see langword="null"/> to leave it out.</param>
    /// <param name="y">The vertical position, or <see langword="null"/> to leave it out.</param>
    /// <returns>The message.</returns>
    public static ClientMessage Cursor(double? x, double? y) => new(ClientMessageType.Cursor, null, null, x, y);

    /// <summary>Creates a <c>state</c> message that merges <paramref name="keys"/> into the sender's state.</summary>
    /// <param name="keys">The keys to set; a key whose value is <c>null</c> is removed.</param>
    /// <returns>The message.</returns>
    public static ClientMessage SetState(PresenceState keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new(ClientMessageType.State, null, null, null, null, keys, replacesState: false);
    }

    /// <summary>Creates a <c>state</c> message that replaces the sender's state with <paramref name="state"/>.</summary>
    /// <param name="state">The new state.</param>
    /// <returns>The message.</returns>
    public static ClientMessage ReplaceState(PresenceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return new(ClientMessageType.State, null, null, null, null, state, replacesState: true);
    }
}
