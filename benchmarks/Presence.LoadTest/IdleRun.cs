using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Presence.LoadTest;

/// <summary>
/// Idle connections: every client connects (spread over the rooms, at a fixed rate per second, as a reconnect wave
/// after a deploy comes), then nobody sends anything. The server's resident memory per connection is its peak minus
/// what it held before, and its CPU over the idle hold is what keep-alives and timers cost.
/// </summary>
internal static class IdleRun
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        if (options.ServerPid is not { } pid)
        {
            throw new ArgumentException("--idle needs --server-pid");
        }

        var baseline = ServerProcess.ResidentMegabytes(pid);
        var run = new LoadRun(options);
        var clients = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(i, run)).ToArray();
        run.SetClients(clients);
        Console.WriteLine($"Connecting {clients.Length} idle clients in {options.Rooms} rooms ({options.Protocol}, deflate {(options.Deflate ? "on" : "off")}) at {options.IdleRamp}/s; RSS before {baseline:F1} MB");

        // The ramp: one batch every 100 ms, each connecting at once; a connect that fails is counted, never retried.
        var errors = 0;
        var ramp = Stopwatch.StartNew();
        var perBatch = Math.Max(1, options.IdleRamp / 10);
        var pending = new List<Task>();
        for (var start = 0; start < clients.Length; start += perBatch)
        {
            var due = TimeSpan.FromMilliseconds(100.0 * start / perBatch);
            if (ramp.Elapsed < due)
            {
                await Task.Delay(due - ramp.Elapsed);
            }

            pending.AddRange(clients.Skip(start).Take(perBatch).Select(async c =>
            {
                try
                {
                    await c.ConnectAsync(reads: true);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        await Task.WhenAll(pending);
        var connected = clients.Length - errors;
        Console.WriteLine($"{connected} connected in {ramp.Elapsed.TotalSeconds:F1} s, {errors} failed");

        // Settled, then idle: memory sampled every second, CPU over the whole hold.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var cpuBefore = ServerProcess.CpuSeconds(pid);
        var held = Stopwatch.StartNew();
        var peak = ServerProcess.ResidentMegabytes(pid);
        while (held.Elapsed < options.Duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            peak = Math.Max(peak, ServerProcess.ResidentMegabytes(pid));
        }

        var cpuAfter = ServerProcess.CpuSeconds(pid);
        var cpu = cpuAfter.User + cpuAfter.System - cpuBefore.User - cpuBefore.System;
        var result = new
        {
            mode = "idle",
            protocol = options.Protocol,
            deflate = options.Deflate,
            clients = options.Clients,
            rooms = options.Rooms,
            rampPerSecond = options.IdleRamp,
            connected,
            connectErrors = errors,
            baselineRssMb = Math.Round(baseline, 1),
            peakRssMb = Math.Round(peak, 1),
            kbPerConnection = connected == 0 ? 0 : Math.Round((peak - baseline) * 1024 / connected, 1),
            idleSeconds = Math.Round(held.Elapsed.TotalSeconds, 1),
            idleCpuPercentOfACore = Math.Round(100 * cpu / held.Elapsed.TotalSeconds, 2),
        };
        Console.WriteLine($"peak RSS {peak:F1} MB: {result.kbPerConnection} KB per connection; idle CPU {result.idleCpuPercentOfACore} % of a core");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        run.Stopping = true;
        foreach (var client in clients)
        {
            client.Abort();
        }

        return errors == 0 ? 0 : 1;
    }
}
