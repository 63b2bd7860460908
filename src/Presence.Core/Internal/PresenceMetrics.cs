using System.Diagnostics.Metrics;

namespace Presence.Internal;

/// <summary>The engine's instruments, on the meter <c>Presence</c>.</summary>
internal sealed class PresenceMetrics : IDisposable
{
    public const string MeterName = "Presence";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesIgnored;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _claimsRefused;

    public PresenceMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _connections = _meter.CreateUpDownCounter<long>("presence.connections", "{connection}", "Open connections.");
        _messagesReceived = _meter.CreateCounter<long>("presence.messages.received", "{message}", "Client messages received, valid or not.");
        _messagesIgnored = _meter.CreateCounter<long>("presence.messages.ignored", "{message}", "Client messages ignored: invalid JSON, unknown type, binary or empty.");
        _framesDropped = _meter.CreateCounter<long>("presence.frames.dropped", "{frame}", "Cursor updates a slow client's full outbox dropped because a newer position of the same participant followed them.");
        _slowConsumers = _meter.CreateCounter<long>("presence.connections.slow", "{connection}", "Connections aborted because the client read too slowly.");
        _claimsRefused = _meter.CreateCounter<long>("presence.claims.refused", "{connection}", "Connections that asked for a live participant id without its resume token, and got a fresh id.");
    }

    public void ConnectionOpened() => _connections.Add(1);

    public void ConnectionClosed() => _connections.Add(-1);

    public void MessageReceived() => _messagesReceived.Add(1);

    public void MessageIgnored() => _messagesIgnored.Add(1);

    public void PositionsSuperseded(long count) => _framesDropped.Add(count);

    public void SlowConsumer() => _slowConsumers.Add(1);

    public void ClaimRefused() => _claimsRefused.Add(1);

    public void Dispose() => _meter.Dispose();
}
