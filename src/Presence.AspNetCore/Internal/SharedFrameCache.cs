using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The <see cref="SharedFrame"/> of each message that an endpoint's connections are sending. The engine hands every
/// recipient the same array and never changes it (the transport contract says so), so the array itself is the key;
/// an entry lives as long as its array does.
/// </summary>
internal sealed class SharedFrameCache
{
    /// <summary>Messages shorter than this are framed per send: a v1 cursor costs less to copy than to look up.</summary>
    public const int MinimumLength = 256;

    private readonly ConditionalWeakTable<byte[], SharedFrame> _frames = [];

    /// <summary>Finds or makes the shared encodings of a message that is a whole array and long enough to be worth it.</summary>
    public bool TryGet(ReadOnlyMemory<byte> message, [NotNullWhen(true)] out SharedFrame? frame)
    {
        if (message.Length >= MinimumLength
            && MemoryMarshal.TryGetArray(message, out var segment)
            && segment.Offset == 0
            && segment.Count == segment.Array!.Length)
        {
            frame = _frames.GetValue(segment.Array, static payload => new SharedFrame(payload));
            return true;
        }

        frame = null;
        return false;
    }
}
