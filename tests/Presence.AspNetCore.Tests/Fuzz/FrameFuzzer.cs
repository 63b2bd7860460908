using System.Globalization;
using System.Text;

namespace Presence.AspNetCore.Tests.Fuzz;

/// <summary>
/// One step of a fuzzed client: the frames it sends, and the close codes they may earn. A step that may earn none
/// must leave the connection open; one that <see cref="Ends"/> must end it with one of its codes.
/// </summary>
internal sealed record FuzzStep(string Kind, ClientFrame[] Frames, int[] MayClose, bool Ends = false);

/// <summary>
/// Client frames from a seeded <see cref="Random"/>, replayable from the seed: messages built from the protocol's own
/// fields with hostile values, the same mutated byte by byte, random JSON and random bytes, every kind of frame and
/// fragmentation RFC 6455 allows, and the violations it forbids.
/// </summary>
internal sealed class FrameFuzzer(Random random, bool deflate, int maximumMessageSize)
{
    private static readonly int[] None = [];
    private static readonly int[] NotUtf8 = [1007];
    private static readonly int[] Violation = [1002];
    private static readonly int[] TooBig = [1009];

    private static readonly string[] Keys = ["type", "name", "color", "x", "y", "id", "room", "user", "updatedAt", "users", "selfId", "resumeToken", "", "__proto__", "constructor"];
    private static readonly string[] Types = ["hello", "cursor", "leave", "snapshot", "presence", "HELLO", "Cursor", "hello ", "", "state", "event"];

    // Characters that cleaning must deal with: controls, every kind of bidirectional control, invisible fillers,
    // combining marks, a surrogate pair, and ones that look like others.
    private static readonly string[] Hostile =
    [
        "\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\u00ad", "\u034f", "\u061c", "\u115f", "\u1160", "\u180e",
        "\u200b", "\u200d", "\u200e", "\u202a", "\u202e", "\u2066", "\u2069", "\u2061", "\u2064", "\u2800", "\u3164",
        "\ufe0f", "\ufeff", "\uffa0", "\ufffd", "\U000e0041", "\U0001f600", "\u0301\u0301\u0301", "Ａ", "а", "\\", "\"",
        "<script>", "%00", "\r\n",
    ];

    public FuzzStep Next()
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 30 => Message(),
            < 45 => Mutated(),
            < 53 => RandomJson(),
            < 57 => RandomBytes(),
            < 61 => Binary(),
            < 66 => Control(),
            < 74 => Fragmented(),
            < 78 => deflate ? Compressed() : Message(),
            < 82 => Large(),
            < 96 => ProtocolViolation(),
            _ => Close(),
        };
    }

    private FuzzStep Message() => new("message", [ClientFrame.Text(ClientMessageJson())], None);

    private FuzzStep Mutated()
    {
        var bytes = Encoding.UTF8.GetBytes(ClientMessageJson()).ToList();
        for (var edits = random.Next(1, 5); edits > 0 && bytes.Count > 0; edits--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 2:
                    bytes.RemoveAt(at);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, random.Next(1, 40))));
                    break;
            }
        }

        return new("mutated", [new ClientFrame(0x1, [.. bytes])], NotUtf8);
    }

    private FuzzStep RandomJson()
    {
        var json = new StringBuilder();
        if (random.Next(4) == 0)
        {
            // Deep nesting, balanced or not.
            var depth = random.Next(1, maximumMessageSize / 8);
            var open = random.Next(2) == 0 ? "[" : "{\"a\":";
            json.Insert(0, open, depth).Append(random.Next(2) == 0 ? "1" : "").Append(open == "[" ? ']' : '}', random.Next(depth + 1));
        }
        else
        {
            Value(json, random.Next(1, 8));
        }

        return new("json", [ClientFrame.Text(json.ToString())], None);
    }

    private FuzzStep RandomBytes()
    {
        var bytes = new byte[random.Next(0, 300)];
        random.NextBytes(bytes);
        return new("bytes", [new ClientFrame(0x1, bytes)], NotUtf8);
    }

    private FuzzStep Binary()
    {
        var bytes = random.Next(2) == 0 ? Encoding.UTF8.GetBytes(ClientMessageJson()) : new byte[random.Next(0, 500)];
        if (bytes.All(b => b == 0))
        {
            random.NextBytes(bytes);
        }

        return new("binary", [new ClientFrame(0x2, bytes)], None);
    }

    private FuzzStep Control()
    {
        var payload = new byte[random.Next(0, 126)];
        random.NextBytes(payload);
        return new("control", [new ClientFrame(random.Next(2) == 0 ? 0x9 : 0xA, payload)], None);
    }

    private FuzzStep Fragmented()
    {
        var message = Encoding.UTF8.GetBytes(ClientMessageJson());
        var frames = new List<ClientFrame>();
        var at = 0;
        var binary = random.Next(5) == 0;
        while (true)
        {
            // Fragments may split a UTF-8 sequence: only the whole message must be valid.
            var size = random.Next(0, Math.Max(1, message.Length - at) + 1);
            var last = at + size >= message.Length || frames.Count >= 20;
            frames.Add(new ClientFrame(frames.Count == 0 ? (binary ? 0x2 : 0x1) : 0x0, message[Math.Min(message.Length, at)..(last ? message.Length : Math.Min(message.Length, at + size))], Fin: last));
            at += size;
            if (last)
            {
                break;
            }

            if (random.Next(4) == 0)
            {
                // A control frame may come between fragments.
                frames.Add(new ClientFrame(0x9, "mid"u8.ToArray()));
            }
        }

        return new("fragmented", [.. frames], None);
    }

    private FuzzStep Compressed() => new("compressed", [ClientFrame.Compressed(Encoding.UTF8.GetBytes(ClientMessageJson()))], None);

    private FuzzStep Large()
    {
        if (random.Next(2) == 0)
        {
            // Just within the limit: one long name, cleaned to its maximum length.
            var name = new string('n', maximumMessageSize - 64);
            return new("large", [ClientFrame.Text($$"""{"type":"hello","name":"{{name}}"}""")], None);
        }

        // Past it, in one frame, in fragments, or promised by a length that never follows.
        return random.Next(3) switch
        {
            0 => new("too-big", [ClientFrame.Text(new string(' ', maximumMessageSize + 1) + "{}")], TooBig, Ends: true),
            1 => new("too-big", [.. Enumerable.Range(0, 5).Select(i => new ClientFrame(i == 0 ? 0x1 : 0x0, new byte[maximumMessageSize / 4 + 1], Fin: false))], TooBig, Ends: true),
            _ => new("too-big", [new ClientFrame(0x1, new byte[maximumMessageSize + 100], DeclaredLength: 20_000_000)], TooBig, Ends: true),
        };
    }

    private FuzzStep ProtocolViolation()
    {
        var payload = Encoding.UTF8.GetBytes("""{"type":"cursor","x":0.5,"y":0.5}""");
        ClientFrame[] frames = random.Next(11) switch
        {
            0 => [new ClientFrame(random.Next(3, 8), payload)],
            1 => [new ClientFrame(random.Next(0xB, 0x10), payload)],
            2 => [new ClientFrame(0x1, payload, Rsv: Pick([4, 2, 1]))],
            3 => [new ClientFrame(0x1, payload, Masked: false)],
            4 => [new ClientFrame(0x0, payload)],
            5 => [new ClientFrame(0x1, payload[..5], Fin: false), new ClientFrame(0x1, payload[5..])],
            6 => [new ClientFrame(0x9, new byte[126 + random.Next(100)])],
            7 => [new ClientFrame(0x9, payload, Fin: false)],
            8 => [new ClientFrame(0x8, [0x03])],
            9 => [new ClientFrame(0x8, CloseBody(new[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000 }[random.Next(9)]))],
            _ => [new ClientFrame(0x1, payload, DeclaredLength: 1UL << 63)],
        };

        // RSV1 (4) is a violation only without deflate negotiated.
        if (frames[0].Rsv == 4 && deflate)
        {
            frames = [frames[0] with { Rsv = 2 }];
        }

        // A length with its most significant bit set breaks the framing rules and any size limit at once.
        return new("violation", frames, frames[0].DeclaredLength is not null ? [1002, 1009] : Violation, Ends: true);
    }

    private FuzzStep Close()
    {
        var code = new[] { 1000, 1001, 1003, 1011, 3000, 4000, 4999 }[random.Next(7)];
        var reason = random.Next(2) == 0 ? "" : Pick(Hostile);
        return new("close", [new ClientFrame(0x8, [.. CloseBody(code), .. Encoding.UTF8.GetBytes(reason)])], [code, 1000], Ends: true);
    }

    private static byte[] CloseBody(int code) => [(byte)(code >> 8), (byte)code];

    private string ClientMessageJson()
    {
        var json = new StringBuilder("{");
        var fields = new List<string>();
        if (random.Next(10) != 0)
        {
            fields.Add("\"type\":" + (random.Next(6) == 0 ? RandomValue(2) : Quote(Pick(Types))));
        }

        for (var count = random.Next(0, 5); count > 0; count--)
        {
            var key = random.Next(8) == 0 ? RandomString() : Pick(Keys);
            fields.Add(Quote(key) + ":" + FieldValue(key));
        }

        return json.Append(string.Join(',', fields)).Append('}').ToString();
    }

    private string FieldValue(string key) => key switch
    {
        "x" or "y" or "updatedAt" when random.Next(3) != 0 => Number(),
        "name" or "color" or "id" when random.Next(3) != 0 => Quote(RandomString()),
        _ => RandomValue(random.Next(1, 4)),
    };

    private string RandomValue(int depth)
    {
        var json = new StringBuilder();
        Value(json, depth);
        return json.ToString();
    }

    private void Value(StringBuilder json, int depth)
    {
        switch (random.Next(depth > 0 ? 7 : 4))
        {
            case 0:
                json.Append(Pick(["null", "true", "false"]));
                break;
            case 1:
                json.Append(Number());
                break;
            case 2:
            case 3:
                json.Append(Quote(RandomString()));
                break;
            case 4:
            case 5:
                json.Append('[');
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    Value(json, depth - 1);
                    json.Append(i > 1 ? "," : "");
                }

                json.Append(']');
                break;
            default:
                json.Append('{');
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    json.Append(Quote(Pick(Keys))).Append(':');
                    Value(json, depth - 1);
                    json.Append(i > 1 ? "," : "");
                }

                json.Append('}');
                break;
        }
    }

    private string Number() => random.Next(9) switch
    {
        0 => "1e309",
        1 => "-1e309",
        2 => "1e-400",
        3 => "-0",
        4 => "123456789012345678901234567890",
        5 => (random.NextDouble() * 4 - 2).ToString("R", CultureInfo.InvariantCulture),
        6 => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        7 => Pick(["\"0.5\"", "NaN", "Infinity", "0x10", "01", ".5", "1."]),
        _ => random.NextDouble().ToString("R", CultureInfo.InvariantCulture),
    };

    private string RandomString()
    {
        var text = new StringBuilder();
        for (var parts = random.Next(0, 8); parts > 0; parts--)
        {
            text.Append(random.Next(3) switch
            {
                0 => Pick(Hostile),
                1 => ((char)random.Next(0x20, 0x7F)).ToString(),
                _ => Pick(["Mira", "#1e9df5", "#FFF", "lobby", "visitor-1", new string('w', random.Next(0, 80))]),
            });
        }

        return text.ToString();
    }

    // A JSON string; now and then with escapes a parser must decode, a lone surrogate among them.
    private string Quote(string value)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in value)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ when random.Next(20) == 0 => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        if (random.Next(30) == 0)
        {
            quoted.Append(Pick(["\\ud800", "\\udfff", "\\u00", "\\x41", "\\"]));
        }

        return quoted.Append('"').ToString();
    }

    private T Pick<T>(T[] items) => items[random.Next(items.Length)];
}
