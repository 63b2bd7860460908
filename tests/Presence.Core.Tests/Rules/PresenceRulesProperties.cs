using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Presence.Tests.Rules;

public sealed class PresenceRulesProperties
{
    private const int Cases = 10_000;

    private static Gen<double> AnyDouble { get; } = Gen.Frequency(
        (4, ArbMap.Default.GeneratorFor<double>()),
        (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1.0, -1e-300, 1 + 1e-15)));

    private static Gen<double> Previous { get; } = Gen.Choose(0, 1000).Select(i => i / 1000.0);

    [Property(MaxTest = Cases)]
    public Property Clamping_AlwaysLandsInTheUnitRange_AndIsIdempotent() =>
        Prop.ForAll(AnyDouble.ToArbitrary(), Previous.ToArbitrary(), (value, previous) =>
        {
            var once = PresenceRules.ClampCoordinate(value, previous);
            var twice = PresenceRules.ClampCoordinate(once, previous);
            return once is >= 0.0 and <= 1.0
                && !double.IsNegative(once)
                && once.Equals(twice)
                && (double.IsFinite(value) || once.Equals(previous))
                && (value is not (> 0.0 and <= 1.0) || once.Equals(value));
        });

    [Property(MaxTest = Cases)]
    public Property Clamping_KeepsThePreviousValue_ForAMissingCoordinate() =>
        Prop.ForAll(Previous.ToArbitrary(), previous => PresenceRules.ClampCoordinate(null, previous).Equals(previous));

    [Property(MaxTest = Cases)]
    public bool CleanedNames_AreBoundedAndClean_AndCleaningIsIdempotent(string? value)
    {
        var cleaned = PresenceRules.CleanName(value, PresenceRules.DefaultName);
        return cleaned.Length is > 0 and <= PresenceRules.MaxNameLength
            && !cleaned.Any(char.IsControl)
            && cleaned == cleaned.Trim()
            && HasNoUnpairedSurrogate(cleaned)
            && !cleaned.Any(c => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            && !PresenceRules.RendersBlank(cleaned)
            && PresenceRules.CleanName(cleaned, PresenceRules.DefaultName) == cleaned;
    }

    [Property(MaxTest = Cases)]
    public bool CleanedNames_KeepPlainNames(NonEmptyString value)
    {
        var plain = new string([.. value.Get.Where(char.IsAsciiLetterOrDigit).Take(PresenceRules.MaxNameLength)]);
        return plain.Length == 0 || PresenceRules.CleanName(plain, "fallback") == plain;
    }

    [Property(MaxTest = Cases)]
    public bool CleanedColours_AreAlwaysSixDigitHex(string? value)
    {
        var cleaned = PresenceRules.CleanColor(value, PresenceRules.DefaultColor);
        return cleaned.Length == 7 && cleaned[0] == '#' && cleaned[1..].All(char.IsAsciiHexDigit)
            && (cleaned == PresenceRules.DefaultColor || cleaned == value?.Trim());
    }

    [Property(MaxTest = Cases)]
    public bool CleanedIds_AreIdentifiers(string? value) =>
        !PresenceRules.TryCleanId(value, out var id) || (PresenceRules.IsIdentifier(id) && id == value!.Trim());

    [Property(MaxTest = Cases)]
    public Property Identifiers_AreKeptAsTheyAre() =>
        Prop.ForAll(
            Gen.Elements([.. "abcXYZ019_-"]).ArrayOf().Where(a => a.Length is > 0 and <= PresenceRules.MaxIdLength).Select(a => new string(a)).ToArbitrary(),
            id => PresenceRules.TryCleanId(id, out var cleaned) && cleaned == id);

    private static bool HasNoUnpairedSurrogate(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
