using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Presence;

/// <summary>
/// The rules that keep untrusted input bounded: every id, name, colour, room and coordinate that reaches
/// the server passes through one of these pure functions. <c>docs/protocol.md</c> states the same rules.
/// </summary>
public static class PresenceRules
{
    /// <summary>The longest display name, in UTF-16 code units, as the board trims it.</summary>
    public const int MaxNameLength = 28;

    /// <summary>The longest participant id or room name.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The room a client joins when it names none.</summary>
    public const string DefaultRoom = "default";

    /// <summary>The name a participant gets when it asks for none, or only for characters that are removed.</summary>
    public const string DefaultName = "Visitor";

    /// <summary>The colour a participant gets when it asks for none, or for one that is not <c>#rrggbb</c>.</summary>
    public const string DefaultColor = "#2563eb";

    /// <summary>
    /// Cleans a display name: removes control characters (Unicode category Cc), bidirectional controls (every
    /// Bidi_Control character), invisible spaces and unpaired surrogates; trims white space; caps the result at
    /// <see cref="MaxNameLength"/> code units without splitting a surrogate pair. A name that would render blank
    /// (<see cref="RendersBlank"/>) becomes <paramref name="fallback"/>.
    /// </summary>
    /// <param name="value">The name as received.</param>
    /// <param name="fallback">What to return when nothing is left.</param>
    /// <returns>The cleaned name, or <paramref name="fallback"/>.</returns>
    public static string CleanName(string? value, string fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var cleaned = RemoveUnsafeCharacters(value).Trim();
        if (cleaned.Length > MaxNameLength)
        {
            var cut = char.IsHighSurrogate(cleaned[MaxNameLength - 1]) ? MaxNameLength - 1 : MaxNameLength;
            cleaned = cleaned[..cut].TrimEnd();
        }

        return RendersBlank(cleaned) ? fallback : cleaned;
    }

    /// <summary>
    /// Tells whether a name would show as nothing: only white space, format characters (soft hyphens, invisible
    /// operators, tags, joiners), combining marks with nothing to combine with (variation selectors, the grapheme
    /// joiner), and the letters and symbols that render blank (the Hangul fillers, the blank Braille pattern).
    /// </summary>
    /// <param name="value">The name.</param>
    /// <returns><see langword="true"/> when nothing of it would be seen.</returns>
    public static bool RendersBlank(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune) || rune.Value is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800)
            {
                continue;
            }

            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Cleans a colour: the trimmed value when it is <c>#rrggbb</c> (hex digits of either case), otherwise <paramref name="fallback"/>.</summary>
    /// <param name="value">The colour as received.</param>
    /// <param name="fallback">What to return when the value is not a colour.</param>
    /// <returns>The colour, or <paramref name="fallback"/>.</returns>
    public static string CleanColor(string? value, string fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        var trimmed = value.AsSpan().Trim();
        if (trimmed.Length != 7 || trimmed[0] != '#' || !IsHex(trimmed[1..]))
        {
            return fallback;
        }

        return trimmed.Length == value.Length ? value : trimmed.ToString();
    }

    /// <summary>
    /// Cleans a participant id: the trimmed value when it is 1 to <see cref="MaxIdLength"/> characters of
    /// <c>[A-Za-z0-9_-]</c>. Otherwise the server assigns one with <see cref="NewId"/>.
    /// </summary>
    /// <param name="value">The id as received.</param>
    /// <param name="id">The cleaned id.</param>
    /// <returns><see langword="true"/> when the value is a usable id.</returns>
    public static bool TryCleanId(string? value, [NotNullWhen(true)] out string? id)
    {
        id = null;
        if (value is null)
        {
            return false;
        }

        var trimmed = value.AsSpan().Trim();
        if (!IsIdentifier(trimmed))
        {
            return false;
        }

        id = trimmed.Length == value.Length ? value : trimmed.ToString();
        return true;
    }

    /// <summary>
    /// Cleans a room name as an id is cleaned. A missing or blank room is <see cref="DefaultRoom"/>; any other
    /// value that is not an id is refused, so that a client never lands silently in a room it did not ask for.
    /// </summary>
    /// <param name="value">The room as received.</param>
    /// <param name="room">The cleaned room.</param>
    /// <returns><see langword="false"/> when the value names no usable room.</returns>
    public static bool TryCleanRoom(string? value, [NotNullWhen(true)] out string? room)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            room = DefaultRoom;
            return true;
        }

        return TryCleanId(value, out room);
    }

    /// <summary>
    /// Clamps a coordinate to [0, 1]. A missing value, NaN or an infinity keeps <paramref name="previous"/>;
    /// negative zero becomes zero.
    /// </summary>
    /// <param name="value">The coordinate as received.</param>
    /// <param name="previous">The participant's current coordinate.</param>
    /// <returns>The new coordinate.</returns>
    public static double ClampCoordinate(double? value, double previous)
    {
        if (value is not { } v || !double.IsFinite(v))
        {
            return previous;
        }

        // Adding +0.0 turns -0.0 into +0.0, so "-0" never goes out on the wire.
        return Math.Clamp(v, 0.0, 1.0) + 0.0;
    }

    /// <summary>
    /// Cleans a participant that came from outside this process (another instance, a store): the id must be an
    /// identifier; the name and colour are cleaned; coordinates are clamped, a non-finite one becoming 0.5.
    /// </summary>
    /// <param name="user">The participant as received.</param>
    /// <param name="cleaned">The participant within every rule.</param>
    /// <returns><see langword="false"/> when the id is not an identifier, so the participant is unusable.</returns>
    public static bool TryCleanUser(PresenceUser user, [NotNullWhen(true)] out PresenceUser? cleaned)
    {
        ArgumentNullException.ThrowIfNull(user);
        cleaned = null;
        if (!IsIdentifier(user.Id))
        {
            return false;
        }

        cleaned = new PresenceUser(
            user.Id,
            CleanName(user.Name, DefaultName),
            CleanColor(user.Color, DefaultColor),
            ClampCoordinate(user.X, 0.5),
            ClampCoordinate(user.Y, 0.5),
            double.IsFinite(user.UpdatedAt) ? user.UpdatedAt : 0)
        {
            // A state is bounded and well-formed by construction (PresenceState parses nothing else).
            State = user.State,
            Info = user.Info,
        };
        return true;
    }

    /// <summary>Creates an id for a client that offered no usable one: <c>user-</c> and 16 random hex digits.</summary>
    /// <returns>A new id.</returns>
    public static string NewId() => "user-" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>Tells whether <paramref name="value"/> is 1 to <see cref="MaxIdLength"/> characters of <c>[A-Za-z0-9_-]</c>.</summary>
    /// <param name="value">The candidate.</param>
    /// <returns><see langword="true"/> when it is a valid id.</returns>
    public static bool IsIdentifier(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string RemoveUnsafeCharacters(string value)
    {
        if (IndexOfUnsafe(value) < 0)
        {
            return value;
        }

        var buffer = value.Length <= 256 ? stackalloc char[value.Length] : new char[value.Length];
        var written = 0;
        for (var i = 0; i < value.Length; i += Math.Max(1, SafeLengthAt(value, i)))
        {
            var length = SafeLengthAt(value, i);
            value.AsSpan(i, length).CopyTo(buffer[written..]);
            written += length;
        }

        return new string(buffer[..written]);
    }

    private static int IndexOfUnsafe(string value)
    {
        for (var i = 0; i < value.Length; i += SafeLengthAt(value, i))
        {
            if (SafeLengthAt(value, i) == 0)
            {
                return i;
            }
        }

        return -1;
    }

    // How many code units at index form a character we keep: 0 to drop it, 1, or 2 for a surrogate pair.
    private static int SafeLengthAt(string value, int index)
    {
        var c = value[index];
        if (char.IsHighSurrogate(c))
        {
            return index + 1 < value.Length && char.IsLowSurrogate(value[index + 1]) ? 2 : 0;
        }

        if (char.IsLowSurrogate(c) || char.IsControl(c) || IsInvisibleFormat(c))
        {
            return 0;
        }

        return 1;
    }

    // Bidirectional controls (every Bidi_Control character) and invisible spaces let a name disguise itself or
    // others. The zero-width joiner (U+200D) and non-joiner (U+200C) stay: emoji sequences and several scripts need
    // them.
    private static bool IsInvisibleFormat(char c) => c switch
    {
        '\u061C' or '\u200B' or '\u200E' or '\u200F' or '\u2060' or '\uFEFF' => true,
        >= '\u202A' and <= '\u202E' => true,
        >= '\u2066' and <= '\u2069' => true,
        _ => false,
    };
}
