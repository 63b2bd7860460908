using System.Diagnostics;
using Presence.Soak;
using Presence.Testing;
using Presence.Testing.ScaleOut;

// The scale-out soak: randomized sequences (joins, moves, renames, leaves, drops, reconnects elsewhere with the old
// socket closing late, instance kills, Redis restarts), one after another for the given minutes, against three
// sample-server processes on one redis-server, each checked against the model. Prints what it did and what it cost.
//   dotnet Presence.Soak.dll MINUTES SERVER_DLL [SEED]
var minutes = double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
var serverDll = Path.GetFullPath(args[1]);
var seed = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next(1, int.MaxValue / 2);

await using var redis = await RedisServer.StartAsync();
await using var fleet = await ProcessFleet.StartAsync(serverDll, redis, 3);
var start = Measure(fleet);
Console.WriteLine($"start: {start}");

var clock = Stopwatch.StartNew();
var (sequences, steps, checks, violations) = (0, 0, 0, 0);
var longest = TimeSpan.Zero;
while (clock.Elapsed < TimeSpan.FromMinutes(minutes))
{
    var sequence = new ScaleOutSequence(fleet, seed + sequences) { SnapshotTimeout = TimeSpan.FromSeconds(1) };
    try
    {
        await sequence.RunAsync();
    }
    catch (ScaleOutViolationException ex)
    {
        violations++;
        Console.WriteLine($"VIOLATION {ex.Message}");
    }

    sequences++;
    steps += sequence.Counts.Steps;
    checks += sequence.Counts.Checks;
    longest = longest > sequence.LongestSnapshotWait ? longest : sequence.LongestSnapshotWait;
}

// Idle: nobody connected, heartbeats and sweeps only; measured over 30 s once the last departures have settled.
await Task.Delay(TimeSpan.FromSeconds(15));
var before = fleet.Processes.Select(p => { p.Refresh(); return p.TotalProcessorTime; }).ToArray();
await Task.Delay(TimeSpan.FromSeconds(30));
var idle = fleet.Processes.Select((p, i) => { p.Refresh(); return (p.TotalProcessorTime - before[i]).TotalSeconds / 30 * 100; }).ToArray();

var end = Measure(fleet);
Console.WriteLine($"end: {end}");
Console.WriteLine($"idle CPU per instance: {string.Join(", ", idle.Select(c => $"{c:F1} %"))} of a core");
Console.WriteLine($"RESULT soak minutes={minutes} seeds={seed}..{seed + sequences - 1} sequences={sequences} operations={steps} checks={checks} violations={violations} longest-snapshot-wait={longest.TotalMilliseconds:F0}ms");
return violations == 0 ? 0 : 1;

static string Measure(ProcessFleet fleet) => string.Join("; ", fleet.Processes.Select(p =>
{
    p.Refresh();
    return $"pid {p.Id}: CPU {p.TotalProcessorTime.TotalSeconds:F1} s, RSS {p.WorkingSet64 / (1024.0 * 1024):F0} MiB";
}));
