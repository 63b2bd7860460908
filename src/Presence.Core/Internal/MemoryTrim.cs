namespace Presence.Internal;

/// <summary>
/// Tells when many connections have gone at once and stayed gone: the moment to ask the runtime for a full
/// collection. An idle server allocates nothing, so no collection comes by itself, and the garbage of thousands of
/// closed connections and rooms (and the heap it fills) would be held until traffic returned.
/// </summary>
/// <remarks>Sampled by the maintenance loop only, so it needs no lock.</remarks>
internal sealed class MemoryTrim(int departures, TimeProvider timeProvider)
{
    /// <summary>
    /// How long the drop must last: the closing connections' last work is done by then, and the server's buffer pool
    /// (Kestrel's evicts idle blocks on its heartbeat) has let go of what they held. Collected sooner, the heap
    /// keeps those blocks, as measured: 2 s gave back a third of what 15 s does.
    /// </summary>
    internal static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(15);

    /// <summary>The least time between two collections, whatever the churn.</summary>
    internal static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(30);

    private int _peak;
    private long? _droppedSince;
    private long? _lastTrim;

    /// <summary>
    /// Takes the connection count now; true when at least <c>departures</c> connections, and at least half of the
    /// most there were since the last trim, have been gone for <see cref="SettleTime"/>.
    /// </summary>
    public bool ShouldTrim(int connections, out int departed)
    {
        departed = 0;
        if (departures <= 0)
        {
            return false;
        }

        _peak = Math.Max(_peak, connections);
        if (_peak - connections < departures || connections > _peak / 2)
        {
            _droppedSince = null;
            return false;
        }

        var now = timeProvider.GetTimestamp();
        _droppedSince ??= now;
        if (timeProvider.GetElapsedTime(_droppedSince.Value, now) < SettleTime
            || (_lastTrim is { } last && timeProvider.GetElapsedTime(last, now) < MinimumInterval))
        {
            return false;
        }

        departed = _peak - connections;
        _peak = connections;
        _droppedSince = null;
        _lastTrim = now;
        return true;
    }
}
