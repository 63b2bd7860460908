using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Presence.Testing;

namespace Presence.AspNetCore.Tests.Fuzz;

/// <summary>
/// The corpus of the worst inputs found for the endpoint (<c>tests/vectors/hostile-frames.json</c>), each on a fresh
/// connection over real Kestrel, each with its documented outcome: the close code it earns, or a connection that goes
/// on and still answers.
/// </summary>
public sealed class HostileCorpusTests
{
    public static TheoryData<string> Cases() => [.. Corpus().EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachInput_HasItsDocumentedOutcome(string name)
    {
        var entry = Corpus().EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
        var logs = new RecordingLoggerProvider();
        await using var server = await KestrelPresenceServer.StartAsync(logs: logs);
        var v2 = entry.TryGetProperty("v2", out var v) && v.GetBoolean();
        var deflate = entry.TryGetProperty("deflate", out var d) && d.GetBoolean();
        string[] headers =
        [
            .. v2 ? ["Sec-WebSocket-Protocol: " + PresenceProtocol.V2SubProtocol] : Array.Empty<string>(),
            .. deflate ? ["Sec-WebSocket-Extensions: permessage-deflate"] : Array.Empty<string>(),
        ];
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=corpus&room=corpus", headers);
        Assert.Equal(101, client.Status);
        Assert.Equal(0x1, (await client.ReadFrameAsync(TimeSpan.FromSeconds(15))).Opcode);

        foreach (var frame in entry.GetProperty("frames").EnumerateArray())
        {
            var bytes = Build(frame).ToBytes();
            var repeat = frame.TryGetProperty("repeat", out var r) ? r.GetInt32() : 1;
            for (var i = 0; i < repeat; i++)
            {
                await client.SendRawAsync(bytes);
            }
        }

        var expect = entry.GetProperty("expect");
        if (expect.ValueKind == JsonValueKind.Number)
        {
            Assert.Equal(expect.GetInt32(), await ReadCloseCodeAsync(client));
        }
        else
        {
            // Still open, and still served: a hello after it comes back (v1 tells the sender too).
            await client.SendRawAsync(ClientFrame.Text("""{"type":"hello","name":"Still here"}""").ToBytes());
            await ReadUntilAsync(client, "Still here");
        }

        Assert.True(logs.ErrorCount == 0, string.Join(Environment.NewLine, logs.Entries));
    }

    private static ClientFrame Build(JsonElement frame)
    {
        byte[] payload = frame switch
        {
            _ when frame.TryGetProperty("text", out var text) => Encoding.UTF8.GetBytes(text.GetString()!),
            _ when frame.TryGetProperty("hex", out var hex) => Convert.FromHexString(hex.GetString()!),
            _ when frame.TryGetProperty("zeros", out var zeros) => new byte[zeros.GetInt32()],
            _ when frame.TryGetProperty("nested", out var nested) => Encoding.ASCII.GetBytes(new string('[', nested.GetInt32()) + new string(']', nested.GetInt32())),
            _ when frame.TryGetProperty("paddedTo", out var padded) => Padded(padded.GetInt32()),
            _ when frame.TryGetProperty("stateKeys", out var keys) => StateOfKeys(keys.GetInt32()),
            _ => [],
        };
        var built = new ClientFrame(
            frame.GetProperty("opcode").GetInt32(),
            payload,
            Fin: !frame.TryGetProperty("fin", out var fin) || fin.GetBoolean(),
            Rsv: frame.TryGetProperty("rsv", out var rsv) ? rsv.GetInt32() : 0,
            Masked: !frame.TryGetProperty("masked", out var masked) || masked.GetBoolean(),
            DeclaredLength: frame.TryGetProperty("declaredLength", out var declared) ? declared.GetUInt64() : null);
        return frame.TryGetProperty("compressZeros", out var bomb)
            ? ClientFrame.Compressed(new byte[bomb.GetInt32()]) with { Opcode = built.Opcode }
            : built;
    }

    private static byte[] StateOfKeys(int count) =>
        Encoding.UTF8.GetBytes("""{"type":"state","set":{""" + string.Join(",", Enumerable.Range(0, count).Select(k => $"\"{k:x}\":1")) + "}}");

    private static byte[] Padded(int size)
    {
        var hello = """{"type":"hello","name":"Padded"}""";
        return Encoding.UTF8.GetBytes(hello[..^1] + new string(' ', size - hello.Length) + "}");
    }

    private static async Task<int> ReadCloseCodeAsync(RawWebSocketClient client)
    {
        while (true)
        {
            var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(30));
            if (frame.Opcode == 0x8)
            {
                return frame.CloseCode;
            }
        }
    }

    private static async Task ReadUntilAsync(RawWebSocketClient client, string text)
    {
        while (true)
        {
            var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(30));
            Assert.NotEqual(0x8, frame.Opcode);
            if (frame.Opcode == 0x1 && frame.Text.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    private static JsonElement Corpus() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "vectors", "hostile-frames.json"))).RootElement.GetProperty("cases");
}
