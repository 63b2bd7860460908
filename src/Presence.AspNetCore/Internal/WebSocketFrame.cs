using System.Buffers.Binary;
using System.IO.Compression;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// Encodes whole server-to-client text frames (RFC 6455 section 5.2): unmasked, so the bytes are the same for every
/// recipient and one encoding serves them all.
/// </summary>
/// <remarks>
/// <code>
/// byte 0    FIN=1 | RSV1 (1 when the payload is deflated, RFC 7692) | RSV2=0 | RSV3=0 | opcode=1 (text)
/// byte 1    MASK=0 | length: 0-125, or 126 then a 16-bit length, or 127 then a 64-bit length (big-endian)
/// then      the payload: the UTF-8 message, or its deflated bytes without the final 00 00 FF FF
/// </code>
/// Only a client that agreed to permessage-deflate ever gets RSV1 set; to any other, every frame is plain, as any
/// WebSocket client reads it.
/// </remarks>
internal static class WebSocketFrame
{
    /// <summary>The longest header: two bytes and a 64-bit length.</summary>
    public const int MaximumHeaderLength = 10;

    private const byte FinText = 0x81;
    private const byte Rsv1 = 0x40;

    // RFC 7692 section 7.2.1: a message is deflated with a sync flush, whose empty block ends in these four bytes,
    // and they are left off on the wire (the receiver adds them back).
    private static ReadOnlySpan<byte> SyncFlushTail => [0x00, 0x00, 0xFF, 0xFF];

    /// <summary>Writes the header of a final text frame of <paramref name="payloadLength"/> bytes.</summary>
    /// <returns>The header's length.</returns>
    public static int WriteHeader(Span<byte> destination, int payloadLength, bool compressed)
    {
        destination[0] = (byte)(FinText | (compressed ? Rsv1 : 0));
        if (payloadLength < 126)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }

        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }

        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>Encodes a whole uncompressed frame carrying <paramref name="payload"/>.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> payload) => Assemble(payload, compressed: false);

    /// <summary>
    /// Encodes a whole frame carrying <paramref name="payload"/> deflated, as a message of its own (no context
    /// takeover). Returns <see langword="null"/> when deflating does not make it shorter.
    /// </summary>
    public static byte[]? EncodeDeflated(ReadOnlySpan<byte> payload)
    {
        using var deflated = new MemoryStream(payload.Length / 2 + 64);
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Fastest, leaveOpen: true))
        {
            deflate.Write(payload);

            // A flush, not the end of the stream: it ends in an empty stored block, whose tail is dropped below.
            deflate.Flush();
            var written = deflated.GetBuffer().AsSpan(0, (int)deflated.Length);
            if (!written.EndsWith(SyncFlushTail) || written.Length - SyncFlushTail.Length >= payload.Length)
            {
                return null;
            }

            return Assemble(written[..^SyncFlushTail.Length], compressed: true);
        }
    }

    // One exact-size array: the header, then the payload as it goes on the wire.
    private static byte[] Assemble(ReadOnlySpan<byte> body, bool compressed)
    {
        Span<byte> header = stackalloc byte[MaximumHeaderLength];
        var headerLength = WriteHeader(header, body.Length, compressed);
        var frame = GC.AllocateUninitializedArray<byte>(headerLength + body.Length);
        header[..headerLength].CopyTo(frame);
        body.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }
}
