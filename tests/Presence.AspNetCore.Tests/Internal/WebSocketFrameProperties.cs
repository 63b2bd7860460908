using System.Buffers.Binary;
using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore.Tests.Internal;

public sealed class WebSocketFrameProperties
{
    [Property(MaxTest = 500)]
    public Property APlainFrame_IsAFinalTextFrame_WithTheExactLength_AndThePayload(byte[] payload)
    {
        var frame = WebSocketFrame.Encode(payload);
        var (compressed, length, headerLength) = ReadHeader(frame);
        return (!compressed && length == payload.Length && frame.AsSpan(headerLength).SequenceEqual(payload)).ToProperty();
    }

    [Property(MaxTest = 500)]
    public Property ADeflatedFrame_InflatesBackToThePayload_OrIsNotMade(byte[] payload, int repeat)
    {
        // Repeated payloads compress; random ones may not, and then no deflated frame is made.
        var message = Enumerable.Repeat(payload, 1 + Math.Abs(repeat % 20)).SelectMany(b => b).ToArray();
        var frame = WebSocketFrame.EncodeDeflated(message);
        if (frame is null)
        {
            return true.Label("not shorter, so not made");
        }

        var (compressed, length, headerLength) = ReadHeader(frame);
        var body = frame.AsSpan(headerLength).ToArray();
        return (compressed && length == body.Length && body.Length < message.Length && Inflate(body).SequenceEqual(message)).ToProperty();
    }

    [Theory]
    [InlineData(125, 2)]
    [InlineData(126, 4)]
    [InlineData(65_535, 4)]
    [InlineData(65_536, 10)]
    public void TheLengthTakes7_16Or64Bits(int length, int headerLength)
    {
        var frame = WebSocketFrame.Encode(new byte[length]);
        Assert.Equal(headerLength + length, frame.Length);
        Assert.Equal((length, headerLength), (ReadHeader(frame).Length, ReadHeader(frame).HeaderLength));
    }

    [Fact]
    public void AJsonFrame_ShrinksSeveralFold()
    {
        var json = System.Text.Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Range(0, 100).Select(i =>
            $$$"""{"type":"cursor","user":{"id":"user-{{{i:x16}}}","name":"Visitor {{{i}}}","color":"#2563eb","x":0.{{{i * 7919}}},"y":0.5,"updatedAt":1795815639.{{{i}}}}}""")) + "]");
        var frame = WebSocketFrame.EncodeDeflated(json);
        Assert.NotNull(frame);
        Assert.True(frame.Length * 3 < json.Length, $"{json.Length} bytes deflated to {frame.Length}");
    }

    private static (bool Compressed, long Length, int HeaderLength) ReadHeader(byte[] frame)
    {
        Assert.Equal(0x80 | 0x01, frame[0] & 0xBF);
        Assert.Equal(0, frame[1] & 0x80);
        var compressed = (frame[0] & 0x40) != 0;
        return (frame[1] & 0x7F) switch
        {
            126 => (compressed, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(2)), 4),
            127 => (compressed, (long)BinaryPrimitives.ReadUInt64BigEndian(frame.AsSpan(2)), 10),
            var small => (compressed, small, 2),
        };
    }

    private static byte[] Inflate(byte[] body)
    {
        using var input = new MemoryStream([.. body, 0x00, 0x00, 0xFF, 0xFF]);
        using var inflate = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflate.CopyTo(output);
        return output.ToArray();
    }
}
