using System.Text.Unicode;

namespace Presence.Internal;

/// <summary>
/// Tells well-formed JSON (RFC 8259, valid UTF-8, nesting as deep as the reader's default of 64) from anything else,
/// without throwing: <c>Utf8JsonReader</c> reports malformed input with an exception, and hostile clients send
/// malformed input as fast as they can. Whatever passes here reads without one.
/// </summary>
internal static class JsonShape
{
    private const int MaximumDepth = 64;

    public static bool IsWellFormed(ReadOnlySpan<byte> json)
    {
        if (!Utf8.IsValid(json))
        {
            return false;
        }

        var position = 0;
        return Value(json, ref position, depth: 0) && SkipWhiteSpace(json, position) == json.Length;
    }

    private static bool Value(ReadOnlySpan<byte> json, ref int position, int depth)
    {
        position = SkipWhiteSpace(json, position);
        if (position >= json.Length)
        {
            return false;
        }

        switch (json[position])
        {
            case (byte)'{':
                return Container(json, ref position, depth, close: (byte)'}', isObject: true);
            case (byte)'[':
                return Container(json, ref position, depth, close: (byte)']', isObject: false);
            case (byte)'"':
                return String(json, ref position);
            case (byte)'t':
                return Literal(json, ref position, "true"u8);
            case (byte)'f':
                return Literal(json, ref position, "false"u8);
            case (byte)'n':
                return Literal(json, ref position, "null"u8);
            default:
                return Number(json, ref position);
        }
    }

    private static bool Container(ReadOnlySpan<byte> json, ref int position, int depth, byte close, bool isObject)
    {
        if (depth >= MaximumDepth)
        {
            return false;
        }

        position = SkipWhiteSpace(json, position + 1);
        if (position < json.Length && json[position] == close)
        {
            position++;
            return true;
        }

        // Each pass consumes a member (or an element) and the comma after it, or returns: bounded by the input's length.
        while (position < json.Length)
        {
            if (isObject)
            {
                position = SkipWhiteSpace(json, position);
                if (position >= json.Length || json[position] != '"' || !String(json, ref position))
                {
                    return false;
                }

                position = SkipWhiteSpace(json, position);
                if (position >= json.Length || json[position] != ':')
                {
                    return false;
                }

                position++;
            }

            if (!Value(json, ref position, depth + 1))
            {
                return false;
            }

            position = SkipWhiteSpace(json, position);
            if (position >= json.Length)
            {
                return false;
            }

            if (json[position] == close)
            {
                position++;
                return true;
            }

            if (json[position] != ',')
            {
                return false;
            }

            position++;
        }

        return false;
    }

    private static bool String(ReadOnlySpan<byte> json, ref int position)
    {
        for (var i = position + 1; i < json.Length; i++)
        {
            var b = json[i];
            if (b == '"')
            {
                position = i + 1;
                return true;
            }

            if (b < 0x20)
            {
                return false;
            }

            if (b != '\\')
            {
                continue;
            }

            if (++i >= json.Length)
            {
                return false;
            }

            switch (json[i])
            {
                case (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t':
                    break;
                case (byte)'u':
                    if (!TryReadEscape(json, i, out var unit))
                    {
                        return false;
                    }

                    i += 4;

                    // A surrogate escape stands for a character only in a pair: high, then low.
                    if (char.IsLowSurrogate(unit))
                    {
                        return false;
                    }

                    if (char.IsHighSurrogate(unit))
                    {
                        if (i + 2 >= json.Length || json[i + 1] != '\\' || json[i + 2] != 'u'
                            || !TryReadEscape(json, i + 2, out var low) || !char.IsLowSurrogate(low))
                        {
                            return false;
                        }

                        i += 6;
                    }

                    break;
                default:
                    return false;
            }
        }

        return false;
    }

    private static bool Number(ReadOnlySpan<byte> json, ref int position)
    {
        var i = position;
        if (i < json.Length && json[i] == '-')
        {
            i++;
        }

        if (i >= json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return false;
        }

        // No leading zeros: "0" alone, or a digit 1-9 and more digits.
        if (json[i++] != '0')
        {
            i = Digits(json, i);
        }

        if (i < json.Length && json[i] == '.')
        {
            var fraction = Digits(json, ++i);
            if (fraction == i)
            {
                return false;
            }

            i = fraction;
        }

        if (i < json.Length && (json[i] == 'e' || json[i] == 'E'))
        {
            i++;
            if (i < json.Length && (json[i] == '+' || json[i] == '-'))
            {
                i++;
            }

            var exponent = Digits(json, i);
            if (exponent == i)
            {
                return false;
            }

            i = exponent;
        }

        position = i;
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }

        return i;
    }

    private static bool Literal(ReadOnlySpan<byte> json, ref int position, ReadOnlySpan<byte> literal)
    {
        if (!json[position..].StartsWith(literal))
        {
            return false;
        }

        position += literal.Length;
        return true;
    }

    private static int SkipWhiteSpace(ReadOnlySpan<byte> json, int position)
    {
        while (position < json.Length && json[position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            position++;
        }

        return position;
    }

    // The four hex digits after the "u" at index.
    private static bool TryReadEscape(ReadOnlySpan<byte> json, int index, out char unit)
    {
        unit = '\0';
        if (index + 4 >= json.Length)
        {
            return false;
        }

        var value = 0;
        for (var k = 1; k <= 4; k++)
        {
            var b = (char)json[index + k];
            if (!char.IsAsciiHexDigit(b))
            {
                return false;
            }

            value = (value << 4) | (b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10);
        }

        unit = (char)value;
        return true;
    }
}
