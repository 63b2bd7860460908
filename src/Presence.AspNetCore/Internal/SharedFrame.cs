namespace Presence.AspNetCore.Internal;

/// <summary>
/// The wire encodings of one engine message that many connections send: framed once, and deflated once for the
/// connections that negotiated compression, instead of once per recipient.
/// </summary>
internal sealed class SharedFrame(byte[] payload)
{
    private readonly byte[] _payload = payload;
    private byte[]? _plain;
    private byte[]? _deflated;

    /// <summary>Gets the frame carrying the message as it is.</summary>
    public byte[] Plain => Volatile.Read(ref _plain) ?? Publish(ref _plain, WebSocketFrame.Encode(_payload));

    /// <summary>Gets the frame carrying the message deflated, or <see cref="Plain"/> when deflating does not pay.</summary>
    public byte[] Deflated => Volatile.Read(ref _deflated) ?? Publish(ref _deflated, WebSocketFrame.EncodeDeflated(_payload) ?? Plain);

    // Two senders may encode the same frame at once; either result is right, and the first one published wins.
    private static byte[] Publish(ref byte[]? slot, byte[] encoded) => Interlocked.CompareExchange(ref slot, encoded, null) ?? encoded;
}
