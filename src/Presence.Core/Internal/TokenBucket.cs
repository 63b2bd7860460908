namespace Presence.Internal;

/// <summary>
/// A token bucket of a few bytes, refilled from the clock when it is used: one per connection and message kind, so
/// no timer, no allocation and no lock of its own (its owner's lock guards it).
/// </summary>
/// <remarks>
/// <c>System.Threading.RateLimiting</c>'s limiters are objects with leases and queues, and refill on a timer: right
/// for the endpoint's per-address limits, too heavy for two buckets on every one of many thousands of connections.
/// </remarks>
internal struct TokenBucket
{
    private double _tokens;
    private long _refilledAt;

    /// <summary>Takes a token if there is one, after adding what <paramref name="perSecond"/> refilled since the last call.</summary>
    public bool TryTake(TimeProvider clock, double perSecond, int burst)
    {
        var now = clock.GetTimestamp();
        if (_refilledAt == 0)
        {
            _tokens = burst;
        }
        else
        {
            _tokens = Math.Min(burst, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
        }

        _refilledAt = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens--;
        return true;
    }
}
