namespace Presence.LoadTest;

/// <summary>Latencies in 10 µs buckets up to 10 s: recording is one increment, with no allocation.</summary>
internal sealed class LatencyHistogram
{
    private const double BucketMicroseconds = 10;
    private readonly long[] _buckets = new long[1_000_000];
    private long _count;
    private double _max;

    public long Count => Interlocked.Read(ref _count);

    public void Record(double milliseconds)
    {
        var index = (int)Math.Clamp(milliseconds * 1000 / BucketMicroseconds, 0, _buckets.Length - 1);
        Interlocked.Increment(ref _buckets[index]);
        Interlocked.Increment(ref _count);
        if (milliseconds > _max)
        {
            _max = milliseconds;
        }
    }

    public double Max => _max;

    public double Percentile(double percentile)
    {
        var target = (long)Math.Ceiling(Count * percentile / 100);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= target && target > 0)
            {
                return (i + 1) * BucketMicroseconds / 1000;
            }
        }

        return 0;
    }
}
