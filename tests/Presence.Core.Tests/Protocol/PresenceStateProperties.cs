using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Presence.Tests.Protocol;

/// <summary>What a participant's custom state is: compact JSON with distinct keys, merged key by key, bounded.</summary>
public sealed class PresenceStateProperties
{
    private const int Cases = 1_000;

    [Property(MaxTest = Cases)]
    public Property Parse_KeepsEveryValue_AndIsCompactAndStable() =>
        Prop.ForAll(Arbitraries.JsonObject(3, allowNull: false).ToArbitrary(), json =>
        {
            var state = PresenceState.Parse(json);
            using var original = JsonDocument.Parse(json);

            // The same values as the input, as JSON compares them; no whitespace; parsing its own text changes nothing.
            return JsonElement.DeepEquals(original.RootElement, state.RootElement)
                && !state.ToString().Contains(' ', StringComparison.Ordinal) == !HasSpaceInStrings(original.RootElement)
                && PresenceState.Parse(state.ToString()).Equals(state);
        });

    [Property(MaxTest = Cases)]
    public Property Merge_SetsEachKeyOfTheUpdate_RemovesItsNulls_AndKeepsTheRest() =>
        Prop.ForAll(Arbitraries.JsonObject(2, allowNull: false).ToArbitrary(), Arbitraries.StateUpdate.ToArbitrary(), (json, update) =>
        {
            var state = PresenceState.Parse(json);
            var merged = state.Merge(update);

            // The model: an ordered list of keys; an update's key replaces in place or appends, and a null removes it.
            var model = Members(state.RootElement);
            foreach (var (key, value) in Members(update.RootElement))
            {
                var index = model.FindIndex(m => m.Key == key);
                if (index >= 0)
                {
                    model[index] = (key, value);
                }
                else
                {
                    model.Add((key, value));
                }
            }

            model.RemoveAll(m => m.Value == "null");
            var actual = Members(merged.RootElement);
            return actual.SequenceEqual(model) && merged.IsEmpty == (model.Count == 0);
        });

    [Property(MaxTest = Cases)]
    public Property Merge_WithItsOwnState_ChangesNothing_AndWithEmpty_ChangesNothing() =>
        Prop.ForAll(Arbitraries.JsonObject(3, allowNull: false).ToArbitrary(), json =>
        {
            var state = PresenceState.Parse(json);
            return state.Merge(state).Equals(state) && state.Merge(PresenceState.Empty).Equals(state) && PresenceState.Empty.Merge(state).Equals(state);
        });

    [Property(MaxTest = Cases)]
    public Property Bounds_RefuseExactlyWhatIsLargerOrDeeper() =>
        Prop.ForAll(Arbitraries.JsonObject(3, allowNull: false).ToArbitrary(), Gen.Choose(2, 400).ToArbitrary(), Gen.Choose(1, 5).ToArbitrary(), (json, maxBytes, maxDepth) =>
        {
            var state = PresenceState.Parse(json);
            var fits = state.Utf8Json.Length <= maxBytes && Depth(state.RootElement) <= maxDepth;
            var parsed = PresenceState.TryParse(Encoding.UTF8.GetBytes(json), maxBytes, maxDepth, out var bounded);
            return parsed == fits && state.IsWithin(maxBytes, maxDepth) == fits && (!parsed || bounded!.Equals(state));
        });

    [Property(MaxTest = 5_000)]
    public Property AnyText_NeverThrows_AndWhatParsesIsAnObjectWithinTheCaps() =>
        Prop.ForAll(Arbitraries.JsonLike.ToArbitrary(), text =>
        {
            if (!PresenceState.TryParse(Encoding.UTF8.GetBytes(text), PresenceState.MaxBytes, PresenceState.MaxDepth, out var state))
            {
                return true;
            }

            return state.RootElement.ValueKind == JsonValueKind.Object
                && state.Utf8Json.Length <= PresenceState.MaxBytes
                && Depth(state.RootElement) <= PresenceState.MaxDepth;
        });

    [Theory]
    [InlineData("""[1]""")]
    [InlineData(""""a"""")]
    [InlineData("""null""")]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""{"\u0061":1}""")]
    [InlineData("""{"a":1""")]
    [InlineData("""{"a":1} {}""")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}""")]
    public void Parse_RefusesWhatIsNotAStateObject(string json) =>
        Assert.Throws<FormatException>(() => PresenceState.Parse(json));

    [Fact]
    public void Parse_DropsTopLevelNulls_AndAnEmptyObjectIsEmpty()
    {
        Assert.Equal("""{"b":2}""", PresenceState.Parse("""{"a":null,"b":2}""").ToString());
        Assert.Same(PresenceState.Empty, PresenceState.Parse("""{ "a" : null }"""));
        Assert.True(PresenceState.Parse("{}").IsEmpty);
    }

    [Fact]
    public void AStateHasAtMostMaxKeysKeys_AndAMergePastThemIsWhole()
    {
        static string Keys(int count, int from = 0) => "{" + string.Join(",", Enumerable.Range(from, count).Select(k => $"\"k{k}\":1")) + "}";
        var widest = PresenceState.Parse(Keys(PresenceState.MaxKeys));
        Assert.Throws<FormatException>(() => PresenceState.Parse(Keys(PresenceState.MaxKeys + 1)));

        // A merge may go past the bound (the engine then refuses it); merging again still sees every key.
        var wider = widest.Merge(PresenceState.Parse(Keys(1, from: PresenceState.MaxKeys)));
        Assert.Equal(PresenceState.MaxKeys + 1, wider.RootElement.EnumerateObject().Count());
        Assert.Equal(PresenceState.MaxKeys + 2, wider.Merge(PresenceState.Parse("""{"z":true}""")).RootElement.EnumerateObject().Count());
        Assert.False(PresenceState.TryParse(wider.Utf8Json.Span, PresenceState.MaxBytes, PresenceState.MaxDepth, out _));
        Assert.False(wider.IsWithin(PresenceState.MaxBytes, PresenceState.MaxDepth));
        Assert.True(widest.IsWithin(PresenceState.MaxBytes, PresenceState.MaxDepth));
    }

    private static List<(string Key, string Value)> Members(JsonElement element) =>
        [.. element.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText()))];

    private static int Depth(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => 1 + element.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + element.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private static bool HasSpaceInStrings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains(' ', StringComparison.Ordinal) || HasSpaceInStrings(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(HasSpaceInStrings),
        JsonValueKind.String => element.GetRawText().Contains(' ', StringComparison.Ordinal),
        _ => false,
    };
}
