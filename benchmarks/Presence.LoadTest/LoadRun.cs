using System.Diagnostics;

namespace Presence.LoadTest;

/// <summary>The counters of one run; only sends and deliveries inside the measured window count.</summary>
internal sealed class LoadRun(LoadOptions options)
{
    private readonly LatencyHistogram _latency = new();
    private LoadClient[] _clients = [];
    private int[] _roomSizes = [];
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MaxValue;
    private long _sent;
    private long _sentInWindow;
    private long _expected;
    private long _delivered;
    private long _errors;
    private long _closed;

    public LoadOptions Options { get; } = options;

    public bool Stopping { get; set; }

    public LatencyHistogram Latency => _latency;

    public long Sent => Interlocked.Read(ref _sent);

    public long SentInWindow => Interlocked.Read(ref _sentInWindow);

    public long Expected => Interlocked.Read(ref _expected);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Errors => Interlocked.Read(ref _errors);

    public long Closed => Interlocked.Read(ref _closed);

    public void SetClients(LoadClient[] clients)
    {
        _clients = clients;
        _roomSizes = new int[Options.Rooms];
        foreach (var client in clients)
        {
            _roomSizes[client.Index % Options.Rooms]++;
        }
    }

    public void OpenWindow(TimeSpan length)
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _windowEnd, now + (long)(length.TotalSeconds * Stopwatch.Frequency));
        Interlocked.Exchange(ref _windowStart, now);
    }

    public void OnSent(LoadClient client, long at)
    {
        Interlocked.Increment(ref _sent);
        if (InWindow(at))
        {
            Interlocked.Increment(ref _sentInWindow);
            Interlocked.Add(ref _expected, _roomSizes[client.Index % Options.Rooms] - 1);
        }
    }

    public void OnDelivered(int sender, int sequence, long receivedAt)
    {
        if (sender >= _clients.Length)
        {
            return;
        }

        var sentAt = _clients[sender].SentAt(sequence);
        if (sentAt == 0 || !InWindow(sentAt))
        {
            return;
        }

        Interlocked.Increment(ref _delivered);
        _latency.Record((receivedAt - sentAt) * 1000.0 / Stopwatch.Frequency);
    }

    public void OnError() => Interlocked.Increment(ref _errors);

    public void OnClosed() => Interlocked.Increment(ref _closed);

    private bool InWindow(long at) => at >= Interlocked.Read(ref _windowStart) && at < Interlocked.Read(ref _windowEnd);
}
