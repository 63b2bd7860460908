using System.Text;

namespace Presence.AspNetCore.Internal;

/// <summary>A close frame's reason: at most 123 bytes of UTF-8 (RFC 6455 section 5.5), cut between characters.</summary>
internal static class CloseReason
{
    private const int MaximumBytes = 123;

    public static string Cut(string reason)
    {
        if (Encoding.UTF8.GetByteCount(reason) <= MaximumBytes)
        {
            return reason;
        }

        var end = 0;
        var bytes = 0;
        foreach (var rune in reason.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaximumBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            end += rune.Utf16SequenceLength;
        }

        return reason[..end];
    }
}
