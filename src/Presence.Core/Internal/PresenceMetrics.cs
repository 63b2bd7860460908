using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Presence.Internal;

/// <summary>
/// The engine's instruments, on the meter <see cref="PresenceMeter.Name"/>. Tags are bounded: the protocol version, the
/// store's label, a close status, a store operation; never a room or a participant, which are the clients' to choose.
/// </summary>
internal sealed class PresenceMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _connectionsClosed;
    private readonly Counter<long> _messagesReceived;
    private readonly Counter<long> _messagesIgnored;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _claimsRefused;
    private readonly Counter<long> _storeFailures;
    private readonly Histogram<double> _tickDuration;
    private readonly Histogram<int> _fanOut;

    // Made once: the hot paths add a count with tags that never allocate.
    private readonly KeyValuePair<string, object?> _store;
    private static readonly KeyValuePair<string, object?> V1 = new("presence.protocol", "v1");
    private static readonly KeyValuePair<string, object?> V2 = new("presence.protocol", "v2");

    public PresenceMetrics(IMeterFactory? meterFactory, string store, Func<int> roomCount)
    {
        _meter = meterFactory?.Create(PresenceMeter.Name) ?? new Meter(PresenceMeter.Name);
        _store = new("presence.store", store);
        _connections = _meter.CreateUpDownCounter<long>("presence.connections", "{connection}", "Open connections.");
        _connectionsClosed = _meter.CreateCounter<long>("presence.connections.closed", "{connection}", "Connections that ended, by the close status the server sent or would have sent.");
        _messagesReceived = _meter.CreateCounter<long>("presence.messages.received", "{message}", "Client messages received, valid or not.");
        _messagesIgnored = _meter.CreateCounter<long>("presence.messages.ignored", "{message}", "Client messages ignored: invalid JSON, unknown type, binary, empty, or state past its bounds.");
        _framesDropped = _meter.CreateCounter<long>("presence.frames.dropped", "{frame}", "Cursor updates a slow client's full outbox dropped because a newer position of the same participant followed them.");
        _slowConsumers = _meter.CreateCounter<long>("presence.connections.slow", "{connection}", "Connections aborted because the client read too slowly.");
        _claimsRefused = _meter.CreateCounter<long>("presence.claims.refused", "{connection}", "Connections that asked for a live participant id without its resume token, and got a fresh id.");
        _storeFailures = _meter.CreateCounter<long>("presence.store.failures", "{call}", "Calls into the store or the backplane that failed; the instance went on serving its own clients.");
        _tickDuration = _meter.CreateHistogram<double>("presence.tick.duration", "s", "How long one tick took: the tick listeners, the held messages, and the flush of every room.");
        _fanOut = _meter.CreateHistogram<int>("presence.fanout.size", "{connection}", "How many connections one broadcast went to: a v1 event, or a room's v2 frame of a tick.");
        _meter.CreateObservableGauge("presence.rooms", roomCount, "{room}", "Rooms with members on this instance.");
    }

    public void ConnectionOpened(PresenceProtocolVersion version) => _connections.Add(1, Protocol(version), _store);

    public void ConnectionClosed(PresenceProtocolVersion version, PresenceCloseStatus status)
    {
        _connections.Add(-1, Protocol(version), _store);
        if (_connectionsClosed.Enabled)
        {
            _connectionsClosed.Add(1, Protocol(version), new KeyValuePair<string, object?>("presence.close_status", (int)status));
        }
    }

    public void MessageReceived(PresenceProtocolVersion version) => _messagesReceived.Add(1, Protocol(version));

    public void MessageIgnored(PresenceProtocolVersion version) => _messagesIgnored.Add(1, Protocol(version));

    public void PositionsSuperseded(long count) => _framesDropped.Add(count);

    public void SlowConsumer() => _slowConsumers.Add(1);

    public void ClaimRefused() => _claimsRefused.Add(1);

    /// <summary>One failed call into the store; <paramref name="operation"/> is one of a few fixed words (claim, snapshot, …).</summary>
    public void StoreFailed(string operation) => _storeFailures.Add(1, _store, new KeyValuePair<string, object?>("presence.operation", operation));

    /// <summary>Gets a value telling whether anyone listens to the tick's duration: the tick reads the clock only then.</summary>
    public bool MeasuresTicks => _tickDuration.Enabled;

    public void TickEnded(long startedTimestamp) => _tickDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);

    /// <summary>Gets a value telling whether anyone listens to fan-out sizes: a broadcast counts its recipients only then.</summary>
    public bool MeasuresFanOut => _fanOut.Enabled;

    public void FannedOut(int recipients, PresenceProtocolVersion version) => _fanOut.Record(recipients, Protocol(version));

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Protocol(PresenceProtocolVersion version) => version == PresenceProtocolVersion.V2 ? V2 : V1;
}
