using System.Collections.Concurrent;
using System.Globalization;
using Presence.Testing;

namespace Presence.AspNetCore.Tests.Fuzz;

/// <summary>
/// Seeded frames, at least 100,000, sent by several clients at once over real Kestrel, into a room where two members
/// (v1 and v2) watch. Every connection must end only as its frames allow (the documented close codes), nothing may be
/// logged as an error, no JSON may cost an exception, the watchers must see only clean participants and stay
/// connected, and the server must serve as before. A failure names the seed: set <c>PRESENCE_FUZZ_SEED</c> to replay it.
/// </summary>
public sealed class EndpointFuzzTests
{
    private const int Frames = 100_000;
    private const int Workers = 6;
    private static readonly string V2 = "Sec-WebSocket-Protocol: " + PresenceProtocol.V2SubProtocol;
    private static readonly string Deflate = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";

    [Fact]
    public async Task SeededFrames_EndConnectionsOnlyAsDocumented_AndLeaveEveryoneElseServed()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PRESENCE_FUZZ_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : 20261203;
        var logs = new RecordingLoggerProvider();
        var exceptions = new ConcurrentDictionary<string, int>();
        void Count(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e) =>
            exceptions.AddOrUpdate(e.Exception.GetType().Name, 1, static (_, n) => n + 1);

        await using var server = await KestrelPresenceServer.StartAsync(logs: logs);
        var maximum = new PresenceOptions().MaximumMessageSize;
        await using var v1Watcher = await server.ConnectAsync("watcher1", room: "fuzz");
        await using var v2Watcher = await server.ConnectAsync("watcher2", room: "fuzz", version: PresenceProtocolVersion.V2);
        var watching = new[] { WatchAsync(v1Watcher), WatchAsync(v2Watcher) };

        AppDomain.CurrentDomain.FirstChanceException += Count;
        WorkerReport[] reports;
        try
        {
            reports = await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => FuzzAsync(server.BaseAddress, seed, w, Frames / Workers + 1, maximum))));
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Count;
        }

        var failures = reports.SelectMany(r => r.Failures).Take(20).ToList();
        var sent = reports.Sum(r => r.Frames);
        var summary = $"seed {seed}: {sent} frames over {reports.Sum(r => r.Connections)} connections; " +
            string.Join(", ", reports.SelectMany(r => r.Kinds).GroupBy(k => k.Key).Select(g => $"{g.Key} {g.Sum(k => k.Value)}")) +
            "; first-chance exceptions: " + string.Join(", ", exceptions.Select(e => $"{e.Key} {e.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, failures));
        Assert.True(sent >= Frames, summary);
        Assert.True(logs.ErrorCount == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, logs.Entries));
        Assert.False(exceptions.ContainsKey(nameof(System.Text.Json.JsonException)), summary);

        // Every fuzzed connection is gone, and the watchers are still there, served.
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 2);
        await v1Watcher.SendHelloAsync("Done", null);
        await Task.WhenAll(watching);
        Assert.False(v1Watcher.IsClosed || v2Watcher.IsClosed, summary);

        // What anyone else saw of the fuzzed clients was already clean: the rules left nothing for a client to fix.
        var unclean = v1Watcher.Received.Concat(v2Watcher.Received).SelectMany(UsersOf)
            .Where(u => !PresenceRules.TryCleanUser(u, out var clean) || clean != u).Take(5).ToList();
        Assert.True(unclean.Count == 0, string.Join(Environment.NewLine, unclean));
    }

    private static IEnumerable<PresenceUser> UsersOf(ServerMessage message) => message switch
    {
        SnapshotMessage snapshot => snapshot.Users,
        PresenceMessage presence => [presence.User],
        CursorMessage cursor => [cursor.User],
        _ => [],
    };

    // Reads everything the room sends until the first watcher says it is done.
    private static async Task WatchAsync(PresenceTestClient watcher)
    {
        await Task.Yield();
        while (await watcher.NextAsync(TimeSpan.FromMinutes(2)) is not PresenceMessage { User: { Id: "watcher1", Name: "Done" } })
        {
        }
    }

    private static async Task<WorkerReport> FuzzAsync(Uri server, int seed, int worker, int frames, int maximum)
    {
        var random = new Random(unchecked((seed * 7919) + worker));
        var report = new WorkerReport();
        while (report.Frames < frames)
        {
            var v2 = random.Next(2) == 0;
            var deflate = random.Next(3) == 0;
            var id = $"f{worker}x{report.Connections}";
            string[] headers = [.. v2 ? [V2] : Array.Empty<string>(), .. deflate ? [Deflate] : Array.Empty<string>()];
            await using var client = await RawWebSocketClient.ConnectAsync(server, $"/ws?id={id}&room=fuzz&name={Uri.EscapeDataString(Hostile(random))}", headers);
            report.Connections++;
            if (client.Status != 101)
            {
                report.Failures.Add($"{id}: the upgrade was answered {client.Status}");
                continue;
            }

            var negotiated = client.Headers.ContainsKey("Sec-WebSocket-Extensions");
            var fuzzer = new FrameFuzzer(random, negotiated, maximum);
            var reading = ReadUntilClosedAsync(client, report, id);
            var possible = new HashSet<int>();
            int[]? ending = null;
            var steps = new List<string>();
            for (var step = 0; step < 200 && report.Frames < frames && !reading.IsCompleted; step++)
            {
                var next = fuzzer.Next();
                steps.Add(next.Kind);
                report.Kinds[next.Kind] = report.Kinds.GetValueOrDefault(next.Kind) + 1;
                try
                {
                    foreach (var frame in next.Frames)
                    {
                        await client.SendRawAsync(frame.ToBytes());
                        report.Frames++;
                    }
                }
                catch (IOException)
                {
                    // Closed by an earlier step; the reader tells which.
                    break;
                }

                if (next.Ends)
                {
                    ending = next.MayClose;
                    break;
                }

                possible.UnionWith(next.MayClose);
            }

            if (ending is null && !reading.IsCompleted)
            {
                ending = [1000];
                await TrySendAsync(client, new ClientFrame(0x8, [0x03, 0xE8]));
            }

            var code = await reading.WaitAsync(TimeSpan.FromSeconds(60));
            var allowed = code == Aborted ? possible.Count > 0 : possible.Contains(code) || (ending?.Contains(code) ?? false);
            if (!allowed)
            {
                report.Failures.Add($"{id} (v{(v2 ? 2 : 1)}{(negotiated ? ", deflate" : "")}): ended {(code == Aborted ? "aborted" : code.ToString(CultureInfo.InvariantCulture))} after [{string.Join(' ', steps)}]");
            }
        }

        return report;
    }

    private const int Aborted = -1;

    private static async Task TrySendAsync(RawWebSocketClient client, ClientFrame frame)
    {
        try
        {
            await client.SendRawAsync(frame.ToBytes());
        }
        catch (IOException)
        {
        }
    }

    // Reads until the server's close frame, whose code it returns, or the end of the stream. Every text frame the
    // server sends must be a valid server frame.
    private static async Task<int> ReadUntilClosedAsync(RawWebSocketClient client, WorkerReport report, string id)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(60));
                if (frame.Opcode == 0x8)
                {
                    return frame.CloseCode;
                }

                if (frame.Opcode == 0x1 && !frame.Compressed && !PresenceProtocol.TryParseServerFrame(frame.Payload, out _))
                {
                    lock (report.Failures)
                    {
                        report.Failures.Add($"{id}: the server sent what is no server frame");
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException)
        {
            return Aborted;
        }
    }

    private static string Hostile(Random random) => random.Next(4) switch
    {
        0 => "\u202eMira\u061c",
        1 => "\u3164\u115f",
        2 => new string('x', random.Next(0, 200)),
        _ => "Mira",
    };

    private sealed class WorkerReport
    {
        public int Frames { get; set; }

        public int Connections { get; set; }

        public Dictionary<string, int> Kinds { get; } = [];

        public List<string> Failures { get; } = [];
    }
}
