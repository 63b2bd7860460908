namespace Presence.AspNetCore.Internal;

/// <summary>
/// A frame as a WebSocket text frame, plain or deflated (<see cref="WebSocketFrame"/>). One instance per encoding, so
/// that <see cref="PresenceFrame.GetEncoded"/> makes each once for every connection that sends the frame.
/// </summary>
internal sealed class WebSocketFrameEncoder : IPresenceFrameEncoder
{
    /// <summary>Messages shorter than this are never deflated: a v1 cursor gains too little to pay for it.</summary>
    public const int MinimumDeflatedLength = 256;

    private readonly bool _deflate;

    private WebSocketFrameEncoder(bool deflate) => _deflate = deflate;

    /// <summary>Gets the encoding for connections that did not agree to permessage-deflate.</summary>
    public static WebSocketFrameEncoder Plain { get; } = new(deflate: false);

    /// <summary>Gets the encoding for connections that agreed to it: deflated when that makes the frame shorter.</summary>
    public static WebSocketFrameEncoder Deflated { get; } = new(deflate: true);

    public ReadOnlyMemory<byte> Encode(ReadOnlyMemory<byte> payload) =>
        _deflate && payload.Length >= MinimumDeflatedLength
            ? WebSocketFrame.EncodeDeflated(payload.Span) ?? WebSocketFrame.Encode(payload.Span)
            : WebSocketFrame.Encode(payload.Span);
}
