namespace Presence.Tests.Rules;

public sealed class PresenceRulesTests
{
    [Theory]
    [InlineData(null, "Visitor")]
    [InlineData("", "Visitor")]
    [InlineData("   ", "Visitor")]
    [InlineData("\u0000\u0007\u001b", "Visitor")]
    [InlineData("  Mira  ", "Mira")]
    [InlineData("Mi\u0001ra\n", "Mira")]
    [InlineData("\u202eevil\u202c", "evil")]
    [InlineData("a\u200bb", "ab")]
    [InlineData("\u061Cevil", "evil")]
    [InlineData("\u061C", "Visitor")]
    [InlineData("\u3164", "Visitor")]
    [InlineData("\u115F\u1160", "Visitor")]
    [InlineData("\uFFA0 \u3164", "Visitor")]
    [InlineData("\u00AD\u00AD", "Visitor")]
    [InlineData("\u034F", "Visitor")]
    [InlineData("\u2061\u2062\u2063\u2064", "Visitor")]
    [InlineData("\U000E0041\U000E0042", "Visitor")]
    [InlineData("\uFE0F\uFE0E", "Visitor")]
    [InlineData("\u2800\u2800", "Visitor")]
    [InlineData("\u200D\u200C", "Visitor")]
    [InlineData("Ann\u3164", "Ann\u3164")]
    [InlineData("e\u0301", "e\u0301")]
    [InlineData("Zoë 🦊", "Zoë 🦊")]
    [InlineData("0123456789012345678901234567890", "0123456789012345678901234567")]
    [InlineData("012345678901234567890123456 890", "012345678901234567890123456")]
    public void CleanName_FollowsTheRules(string? input, string expected) =>
        Assert.Equal(expected, PresenceRules.CleanName(input, PresenceRules.DefaultName));

    [Fact]
    public void CleanName_NeverSplitsASurrogatePair()
    {
        var name = new string('a', 27) + "🦊";
        Assert.Equal(new string('a', 27), PresenceRules.CleanName(name, "x"));
    }

    [Theory]
    [InlineData("#1e9df5", "#1e9df5")]
    [InlineData(" #ABCDEF ", "#ABCDEF")]
    [InlineData("#abc", "#2563eb")]
    [InlineData("1e9df5", "#2563eb")]
    [InlineData("#1e9df5aa", "#2563eb")]
    [InlineData("#ggggggg", "#2563eb")]
    [InlineData("red", "#2563eb")]
    [InlineData(null, "#2563eb")]
    public void CleanColor_AcceptsOnlyHexTriplets(string? input, string expected) =>
        Assert.Equal(expected, PresenceRules.CleanColor(input, PresenceRules.DefaultColor));

    [Theory]
    [InlineData("6f1c2b0e-5d7a-4c4e-9f00-2d7c1c3e9a11", true)]
    [InlineData("user_42", true)]
    [InlineData(" padded ", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("émile", false)]
    [InlineData("a/b", false)]
    [InlineData(null, false)]
    public void TryCleanId_AcceptsOnlyShortIdentifiers(string? input, bool valid) =>
        Assert.Equal(valid, PresenceRules.TryCleanId(input, out _));

    [Fact]
    public void TryCleanId_RefusesIdsLongerThan64()
    {
        Assert.True(PresenceRules.TryCleanId(new string('a', 64), out _));
        Assert.False(PresenceRules.TryCleanId(new string('a', 65), out _));
    }

    [Theory]
    [InlineData(null, "default")]
    [InlineData("", "default")]
    [InlineData("  ", "default")]
    [InlineData("design-review", "design-review")]
    public void TryCleanRoom_DefaultsWhenMissing(string? input, string expected)
    {
        Assert.True(PresenceRules.TryCleanRoom(input, out var room));
        Assert.Equal(expected, room);
    }

    [Theory]
    [InlineData("no spaces")]
    [InlineData("../etc")]
    [InlineData("{room}")]
    public void TryCleanRoom_RefusesInvalidNames(string input) => Assert.False(PresenceRules.TryCleanRoom(input, out _));

    [Fact]
    public void NewId_IsAnIdentifier_AndUnique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => PresenceRules.NewId()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.True(PresenceRules.IsIdentifier(id)));
    }

    [Theory]
    [InlineData(0.25, 0.5, 0.25)]
    [InlineData(-1.0, 0.5, 0.0)]
    [InlineData(2.0, 0.5, 1.0)]
    [InlineData(double.NaN, 0.3, 0.3)]
    [InlineData(double.PositiveInfinity, 0.3, 0.3)]
    [InlineData(double.NegativeInfinity, 0.3, 0.3)]
    public void ClampCoordinate_FollowsTheRules(double input, double previous, double expected) =>
        Assert.Equal(expected, PresenceRules.ClampCoordinate(input, previous));
}
