using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace Presence.Tests.Vectors;

/// <summary>
/// The protocol vectors in <c>tests/vectors</c>, which the board's unit tests read too: the .NET and TypeScript
/// parsers and reducers must agree on every one.
/// </summary>
public sealed class ProtocolVectorTests
{
    public static TheoryData<string> ServerMessageCases() => [.. Cases().Select(c => c.GetProperty("name").GetString()!)];

    public static TheoryData<string> FrameCases() => [.. Load("server-frames.json").GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    public static TheoryData<string> Sequences() => [.. SequenceElements().Select(s => s.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(ServerMessageCases))]
    public void ServerMessage_ParsesAsTheVectorSays(string name)
    {
        var vector = Cases().Single(c => c.GetProperty("name").GetString() == name);
        var raw = Encoding.UTF8.GetBytes(vector.GetProperty("raw").GetString()!);
        var valid = PresenceProtocol.TryParseServerMessage(raw, out var message);

        Assert.Equal(vector.GetProperty("valid").GetBoolean(), valid);
        if (valid)
        {
            var expected = Encoding.UTF8.GetBytes(vector.GetProperty("message").GetRawText());
            Assert.True(PresenceProtocol.TryParseServerMessage(expected, out var expectedMessage));
            Assert.Equal(expectedMessage, message);
            Assert.Equal(expectedMessage, Reparse(message!));
        }
    }

    [Theory]
    [MemberData(nameof(FrameCases))]
    public void ServerFrame_ParsesAsTheVectorSays(string name)
    {
        var vector = Load("server-frames.json").GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var valid = PresenceProtocol.TryParseServerFrame(Encoding.UTF8.GetBytes(vector.GetProperty("raw").GetString()!), out var messages);

        Assert.Equal(vector.GetProperty("valid").GetBoolean(), valid);
        if (valid)
        {
            var expected = vector.GetProperty("messages").EnumerateArray()
                .Select(m => PresenceProtocol.TryParseServerMessage(Encoding.UTF8.GetBytes(m.GetRawText()), out var message) ? message : throw new InvalidDataException(m.GetRawText()))
                .ToList();
            Assert.Equal<IEnumerable<ServerMessage>>(expected, messages);
        }
    }

    [Theory]
    [MemberData(nameof(Sequences))]
    public void Sequence_ProducesTheVectorsRosters(string name)
    {
        var sequence = SequenceElements().Single(s => s.GetProperty("name").GetString() == name);
        var selfId = sequence.GetProperty("selfId").GetString()!;
        var roster = PresenceReducer.Empty;
        foreach (var step in sequence.GetProperty("steps").EnumerateArray())
        {
            if (PresenceProtocol.TryParseServerMessage(Encoding.UTF8.GetBytes(step.GetProperty("raw").GetString()!), out var message))
            {
                roster = PresenceReducer.Reduce(roster, message, selfId);
            }

            Assert.Equal(ToRoster(step.GetProperty("roster")), roster.OrderBy(e => e.Key, StringComparer.Ordinal).ToList());
        }
    }

    private static ServerMessage Reparse(ServerMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteServerMessage(message, buffer);
        Assert.True(PresenceProtocol.TryParseServerMessage(buffer.WrittenSpan, out var reparsed));
        return reparsed;
    }

    private static List<KeyValuePair<string, PresenceUser>> ToRoster(JsonElement roster) =>
        [.. roster.EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name, new PresenceUser(
                p.Value.GetProperty("id").GetString()!,
                p.Value.GetProperty("name").GetString()!,
                p.Value.GetProperty("color").GetString()!,
                p.Value.GetProperty("x").GetDouble(),
                p.Value.GetProperty("y").GetDouble(),
                p.Value.GetProperty("updatedAt").GetDouble())
            {
                State = p.Value.TryGetProperty("state", out var state) ? PresenceState.FromElement(state) : null,
                Info = p.Value.TryGetProperty("info", out var info) ? PresenceState.FromElement(info) : null,
            }))
            .OrderBy(e => e.Key, StringComparer.Ordinal)];

    private static IEnumerable<JsonElement> Cases() => Load("server-messages.json").GetProperty("cases").EnumerateArray();

    private static IEnumerable<JsonElement> SequenceElements() => Load("sequences.json").GetProperty("sequences").EnumerateArray();

    private static JsonElement Load(string file) =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "vectors", file))).RootElement;
}
