using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Presence.Internal;

namespace Presence.Tests.Protocol;

/// <summary>The check that lets the codec refuse malformed input without an exception agrees with the JSON reader.</summary>
public sealed class JsonShapeProperties
{
    private const int Cases = 5_000;

    // Well-formed messages, cut, spliced and mutated a byte at a time: the inputs where the two could disagree.
    private static readonly string[] Seeds =
    [
        """{"type":"cursor","x":0.25,"y":-1e-3}""",
        """{"type":"hello","name":"Zo\u00eb \ud83e\udd8a","color":"#1e9df5"}""",
        """[{"a":[1,2,{"b":null}]},true,false,"x\\\"y",0,-0.5E+7]""",
        """{"type":"hello","name":"\\ud800"}""",
        "  {\n\t\"k\" : [ ] , \"l\" : { } }\r\n",
    ];

    private static readonly byte[] Alphabet = "{}[]\",:.-+eE0123456789 \\utrfalsn\t\u00e9"u8.ToArray();

    public static Arbitrary<byte[]> NearlyJson() =>
        (from seed in Gen.Elements(Seeds)
         from edits in Gen.Choose(0, 4)
         from positions in Gen.Choose(0, 1000).ArrayOf(edits)
         from bytes in Gen.Elements(Alphabet).ArrayOf(edits)
         from cut in Gen.Choose(0, 1000)
         select Mutate(Encoding.UTF8.GetBytes(seed), positions, bytes, cut)).ToArbitrary();

    [Property(MaxTest = Cases, Arbitrary = [typeof(JsonShapeProperties)])]
    public bool AgreesWithTheReader_OnNearlyJson(byte[] input) => JsonShape.IsWellFormed(input) == ReaderAccepts(input);

    [Property(MaxTest = Cases)]
    public bool AgreesWithTheReader_OnAnyBytes(byte[] input) => JsonShape.IsWellFormed(input) == ReaderAccepts(input);

    [Fact]
    public void NestingPastTheReadersLimit_IsRefused()
    {
        Assert.True(JsonShape.IsWellFormed(Encoding.ASCII.GetBytes(new string('[', 64) + new string(']', 64))));
        Assert.False(JsonShape.IsWellFormed(Encoding.ASCII.GetBytes(new string('[', 65) + new string(']', 65))));
    }

    private static byte[] Mutate(byte[] seed, int[] positions, byte[] bytes, int cut)
    {
        var result = seed.ToList();
        for (var i = 0; i < positions.Length && result.Count > 0; i++)
        {
            var at = positions[i] % result.Count;
            if (positions[i] % 3 == 0)
            {
                result.RemoveAt(at);
            }
            else
            {
                result[at] = bytes[i];
            }
        }

        return cut % 4 == 0 ? [.. result.Take(cut % (result.Count + 1))] : [.. result];
    }

    private static bool ReaderAccepts(byte[] input)
    {
        try
        {
            using var document = JsonDocument.Parse(input);

            // The reader leaves unpaired surrogate escapes to GetString, which refuses them; so does the shape check.
            Visit(document.RootElement);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static void Visit(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    Visit(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }
}
