using System.Text;
using FsCheck.Xunit;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore.Tests.Internal;

public sealed class CloseReasonProperties
{
    [Property]
    public bool AReason_IsCutToAPrefixOfAt123Bytes_BetweenCharacters(string? text)
    {
        var reason = (text ?? "") + new string('é', text?.Length % 90 ?? 0) + "\U0001F600";
        var cut = CloseReason.Cut(reason);
        return reason.StartsWith(cut, StringComparison.Ordinal)
            && Encoding.UTF8.GetByteCount(cut) <= 123
            && (cut.Length == reason.Length || Encoding.UTF8.GetByteCount(reason[..(cut.Length + (char.IsHighSurrogate(reason[cut.Length]) ? 2 : 1))]) > 123)
            && (cut.Length == 0 || !char.IsHighSurrogate(cut[^1]));
    }
}
