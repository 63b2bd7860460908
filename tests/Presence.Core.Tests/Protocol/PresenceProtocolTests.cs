using System.Buffers;
using System.Text;

namespace Presence.Tests.Protocol;

public sealed class PresenceProtocolTests
{
    private static readonly PresenceUser Mira = new("6f1c2b0e", "Mira", "#1e9df5", 0.25, 0.5, 1795808508.478);

    [Fact]
    public void ServerMessages_AreWrittenInTheSeedsShape()
    {
        Assert.Equal(
            """{"type":"snapshot","selfId":"6f1c2b0e","users":[{"id":"6f1c2b0e","name":"Mira","color":"#1e9df5","x":0.25,"y":0.5,"updatedAt":1795808508.478}],"stateStore":"memory"}""",
            Write(new SnapshotMessage("6f1c2b0e", [Mira], "memory")));
        Assert.Equal(
            """{"type":"presence","user":{"id":"6f1c2b0e","name":"Mira","color":"#1e9df5","x":0.25,"y":0.5,"updatedAt":1795808508.478}}""",
            Write(new PresenceMessage(Mira)));
        Assert.Equal(
            """{"type":"cursor","user":{"id":"6f1c2b0e","name":"Mira","color":"#1e9df5","x":0.25,"y":0.5,"updatedAt":1795808508.478}}""",
            Write(new CursorMessage(Mira)));
        Assert.Equal("""{"type":"leave","id":"6f1c2b0e"}""", Write(new LeaveMessage("6f1c2b0e")));
    }

    [Fact]
    public void ClientMessages_FromTheSeedsBoard_Parse()
    {
        Assert.True(PresenceProtocol.TryParseClientMessage("""{"type":"hello","name":"Mira","color":"#1e9df5"}"""u8, out var hello));
        Assert.Equal(ClientMessage.Hello("Mira", "#1e9df5"), hello);
        Assert.True(PresenceProtocol.TryParseClientMessage("""{"type":"cursor","x":0.5,"y":0.25}"""u8, out var cursor));
        Assert.Equal(ClientMessage.Cursor(0.5, 0.25), cursor);
    }

    [Theory]
    [InlineData("""{"type":"cursor","x":"0.5","y":true}""", null, null)]
    [InlineData("""{"type":"cursor"}""", null, null)]
    [InlineData("""{"type":"cursor","x":1e999,"y":-1e999}""", double.PositiveInfinity, double.NegativeInfinity)]
    [InlineData("""{"x":0.1,"type":"cursor","y":0.2,"future":{"a":[1,{"b":2}]}}""", 0.1, 0.2)]
    public void CursorFields_OfTheWrongTypeAreAbsent(string json, double? x, double? y)
    {
        Assert.True(PresenceProtocol.TryParseClientMessage(Encoding.UTF8.GetBytes(json), out var message));
        Assert.Equal(ClientMessage.Cursor(x, y), message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("\"hello\"")]
    [InlineData("{}")]
    [InlineData("""{"type":"Hello"}""")]
    [InlineData("""{"type":"snapshot"}""")]
    [InlineData("""{"type":["cursor"]}""")]
    [InlineData("""{"type":"cursor"}{"type":"cursor"}""")]
    [InlineData("""{"type":"cursor","x":NaN}""")]
    [InlineData("""{"type":"cursor",}""")]
    [InlineData("""{"type":"hello","name":"\ud800"}""")]
    public void InvalidClientMessages_AreRefused(string json) =>
        Assert.False(PresenceProtocol.TryParseClientMessage(Encoding.UTF8.GetBytes(json), out _));

    [Fact]
    public void InvalidUtf8_IsRefused() =>
        Assert.False(PresenceProtocol.TryParseClientMessage([.. "{\"type\":\"hello\",\"name\":\""u8, 0xff, 0xfe, .. "\"}"u8], out _));

    [Fact]
    public void DeepNesting_IsRefused_NotOverflowingTheStack()
    {
        var deep = "{\"type\":\"cursor\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}";
        Assert.False(PresenceProtocol.TryParseClientMessage(Encoding.UTF8.GetBytes(deep), out _));
    }

    [Theory]
    [InlineData("""{"type":"presence","user":{"id":"a","name":"A","color":"#000000","x":0.5,"y":0.5}}""")]
    [InlineData("""{"type":"presence","user":{"id":"a","name":"A","color":"#000000","x":"0.5","y":0.5,"updatedAt":1}}""")]
    [InlineData("""{"type":"snapshot","selfId":"a","users":[{"id":"a"}],"stateStore":"memory"}""")]
    [InlineData("""{"type":"snapshot","selfId":"a","users":{},"stateStore":"memory"}""")]
    [InlineData("""{"type":"leave","id":5}""")]
    public void IncompleteServerMessages_AreRefused(string json) =>
        Assert.False(PresenceProtocol.TryParseServerMessage(Encoding.UTF8.GetBytes(json), out _));

    [Fact]
    public void AFrameSplitIntoOneByteChunks_Parses()
    {
        var bytes = """{"type":"cursor","x":0.125,"y":0.875}"""u8.ToArray();
        var sequence = SegmentedSequence.Create(bytes, Enumerable.Range(1, bytes.Length));
        Assert.False(sequence.IsSingleSegment);
        Assert.True(PresenceProtocol.TryParseClientMessage(sequence, out var message));
        Assert.Equal(ClientMessage.Cursor(0.125, 0.875), message);
    }

    private static string Write(ServerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteServerMessage(message, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
