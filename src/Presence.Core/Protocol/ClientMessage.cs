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
    private ClientMessage(ClientMessageType type, string? name, string? color, double? x, double? y)
    {
        Type = type;
        Name = name;
        Color = color;
        X = x;
        Y = y;
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
}
