using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Options;
using Presence;
using Presence.Internal;

namespace Presence.Benchmarks;

/// <summary>
/// One cursor event broadcast to a room of N connections over in-memory transports: Presence's engine (parse,
/// clamp, encode once, hand the same bytes to every outbox), against the naive way (serialise once per recipient,
/// as a direct port of the seed's broadcast does) and SignalR's own in-process broadcast.
/// </summary>
[MemoryDiagnoser]
public class BroadcastBenchmarks
{
    private static readonly byte[] CursorBytes = """{"type":"cursor","x":0.4821,"y":0.1934}"""u8.ToArray();

    private PresenceEngine _engine = null!;
    private PresenceConnection _sender = null!;
    private NullTransport[] _transports = null!;
    private SignalRBroadcast _signalR = null!;

    [Params(1, 10, 100, 1000, 10000)]
    public int Connections { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        // One sender moves as fast as the benchmark runs: its cursor bucket must never be what is measured.
        _engine = new PresenceEngine(new InMemoryPresenceRoster(), Options.Create(new PresenceOptions { CursorsPerSecond = 1e12, CursorBurst = int.MaxValue }), TimeProvider.System);
        _transports = new NullTransport[Connections + 1];
        for (var i = 0; i <= Connections; i++)
        {
            _transports[i] = new NullTransport();
            var connection = _engine.CreateConnection(_transports[i], new PresenceJoinRequest($"user-{i}", $"User {i}", "#1e9df5"), PresenceRules.DefaultRoom);
            await _engine.JoinAsync(connection);
            if (i == 0)
            {
                _sender = connection;
            }
        }

        // The joins' snapshots are sent on the thread pool; let them drain before measuring.
        await Task.Delay(500);
        _signalR = await SignalRBroadcast.CreateAsync(Connections + 1);
    }

    [GlobalCleanup]
    public async Task Cleanup() => await _engine.DisposeAsync();

    [Benchmark(Baseline = true)]
    public ValueTask Presence()
    {
        PresenceProtocol.TryParseClientMessage(CursorBytes, out var message);
        return _engine.HandleAsync(_sender, message);
    }

    [Benchmark]
    public async Task SerializePerRecipient()
    {
        PresenceProtocol.TryParseClientMessage(CursorBytes, out var message);
        var user = new SeedUser("user-0", "User 0", "#1e9df5", message.X ?? 0.5, message.Y ?? 0.5, 1795808508.478);
        for (var i = 1; i < _transports.Length; i++)
        {
            // What send_json does for each client: serialise the payload again, then send it.
            await _transports[i].SendAsync(new PresenceFrame(JsonSerializer.SerializeToUtf8Bytes(new SeedMessage("cursor", user))));
        }
    }

    [Benchmark]
    public Task SignalRHubLifetimeManager() => _signalR.BroadcastAsync(0.4821, 0.1934);

    private sealed record SeedUser(string id, string name, string color, double x, double y, double updatedAt);

    private sealed record SeedMessage(string type, SeedUser user);
}
