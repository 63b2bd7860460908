using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Presence.AspNetCore.Tests.Fuzz;

/// <summary>
/// One frame as a client puts it on the wire, well formed or not: any opcode, reserved bits, an unmasked payload, or a
/// length that promises more than follows.
/// </summary>
internal sealed record ClientFrame(int Opcode, byte[] Payload, bool Fin = true, int Rsv = 0, bool Masked = true, ulong? DeclaredLength = null)
{
    public static ClientFrame Text(string text, bool fin = true) => new(0x1, System.Text.Encoding.UTF8.GetBytes(text), fin);

    /// <summary>A text message compressed as permessage-deflate sends it: RSV1 set, the flush's tail taken off.</summary>
    public static ClientFrame Compressed(byte[] message)
    {
        using var output = new MemoryStream();
        var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true);
        deflate.Write(message);
        deflate.Flush();
        var bytes = output.ToArray();

        // The stream is not disposed: that would end it with a final block, after which no message inflates.
        return new ClientFrame(0x1, bytes[..^4], Rsv: 4);
    }

    public byte[] ToBytes()
    {
        var length = DeclaredLength ?? (ulong)Payload.Length;
        var head = new List<byte> { (byte)((Fin ? 0x80 : 0) | (Rsv << 4) | (Opcode & 0x0F)) };
        var mask = Masked ? 0x80 : 0;
        if (length < 126)
        {
            head.Add((byte)(mask | (int)length));
        }
        else if (length <= ushort.MaxValue)
        {
            head.Add((byte)(mask | 126));
            head.Add((byte)(length >> 8));
            head.Add((byte)length);
        }
        else
        {
            head.Add((byte)(mask | 127));
            var extended = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(extended, length);
            head.AddRange(extended);
        }

        var payload = (byte[])Payload.Clone();
        if (Masked)
        {
            var key = RandomNumberGenerator.GetBytes(4);
            head.AddRange(key);
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] ^= key[i % 4];
            }
        }

        return [.. head, .. payload];
    }
}
