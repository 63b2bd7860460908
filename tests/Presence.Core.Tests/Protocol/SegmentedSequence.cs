using System.Buffers;

namespace Presence.Tests.Protocol;

/// <summary>Builds a <see cref="ReadOnlySequence{T}"/> of several segments, as a network read delivers a frame in chunks.</summary>
internal static class SegmentedSequence
{
    public static ReadOnlySequence<byte> Create(byte[] bytes, IEnumerable<int> cuts)
    {
        var points = cuts.Select(c => Math.Clamp(c, 0, bytes.Length)).Append(0).Append(bytes.Length).Distinct().Order().ToArray();
        Segment? first = null, last = null;
        for (var i = 0; i + 1 < points.Length; i++)
        {
            var chunk = bytes.AsMemory(points[i], points[i + 1] - points[i]);
            if (first is null)
            {
                first = last = new Segment(chunk, 0);
            }
            else
            {
                last = last!.Append(chunk);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
