using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The wire encodings of one engine message that many connections send: framed once, and deflated once for the
/// connections that negotiated compression, instead of once per recipient.
/// </summary>
/// <remarks>
/// The engine hands every recipient the same array and never changes it (the transport contract says so), so the
/// array itself is the key. Entries live as long as the array does.
/// </remarks>
internal sealed class SharedFrame
{
    /// <summary>Messages shorter than this are framed per send: a v1 cursor costs less to copy than to look up.</summary>
    public const int MinimumLength = 256;

    private static readonly ConditionalWeakTable<byte[], SharedFrame> Frames = [];

    private readonly byte[] _payload;
    private byte[]? _plain;
    private byte[]? _deflated;

    private SharedFrame(byte[] payload) => _payload = payload;

    /// <summary>Gets the frame carrying the message as it is.</summary>
    public byte[] Plain => Volatile.Read(ref _plain) ?? Publish(ref _plain, WebSocketFrame.Encode(_payload));

    /// <summary>Gets the frame carrying the message deflated, or <see cref="Plain"/> when deflating does not pay.</summary>
    public byte[] Deflated => Volatile.Read(ref _deflated) ?? Publish(ref _deflated, WebSocketFrame.EncodeDeflated(_payload) ?? Plain);

    /// <summary>Finds or makes the shared encodings of a message that is a whole array and long enough to be worth it.</summary>
    public static bool TryGet(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out SharedFrame? frame)
    {
        if (message.Length >= MinimumLength
            && MemoryMarshal.TryGetArray(message, out var segment)
            && segment.Offset == 0
            && segment.Count == segment.Array!.Length)
        {
            frame = Frames.GetValue(segment.Array, static payload => new SharedFrame(payload));
            return true;
        }

        frame = null;
        return false;
    }

    // Two senders may encode the same frame at once; either result is right, and the first one published wins.
    private static byte[] Publish(ref byte[]? slot, byte[] encoded) => Interlocked.CompareExchange(ref slot, encoded, null) ?? encoded;
}
