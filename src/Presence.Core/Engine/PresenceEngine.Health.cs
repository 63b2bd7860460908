using System.Globalization;

namespace Presence;

public sealed partial class PresenceEngine
{
    /// <summary>
    /// Tells how well the engine serves its clients: unhealthy when its ticks have stopped or lag by more than five
    /// intervals (at least 250 ms), or its maintenance has stopped; degraded while the store is unreachable; healthy
    /// otherwise. Cheap enough for every health probe.
    /// </summary>
    /// <returns>The status and why.</returns>
    public PresenceHealth CheckHealth()
    {
        if (!_stopping.IsCancellationRequested)
        {
            if (_ticks is { IsCompleted: true } || _maintenance is { IsCompleted: true })
            {
                return new(PresenceHealthStatus.Unhealthy, "A background loop of the presence engine has stopped.");
            }

            if (_ticks is not null)
            {
                var threshold = TimeSpan.FromTicks(Math.Max(_options.TickInterval.Ticks * 5, TimeSpan.FromMilliseconds(250).Ticks));
                var lag = _timeProvider.GetElapsedTime(Volatile.Read(ref _lastTick));
                if (lag > threshold)
                {
                    return new(
                        PresenceHealthStatus.Unhealthy,
                        string.Create(CultureInfo.InvariantCulture, $"The last tick ended {lag.TotalMilliseconds:F0} ms ago; ticks run every {_options.TickInterval.TotalMilliseconds:F0} ms."));
                }
            }
        }

        if (_storeHealth is { IsAvailable: false })
        {
            return new(PresenceHealthStatus.Degraded, "The store is unreachable: this instance serves its own clients only.");
        }

        return new(PresenceHealthStatus.Healthy, "Presence is healthy.");
    }
}
