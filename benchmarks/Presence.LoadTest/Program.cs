using System.Globalization;
using System.Text.Json;
using Presence.LoadTest;

if (args.Contains("--help"))
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

var options = LoadOptions.Parse(args);
if (options.ChurnRounds > 0)
{
    return await ChurnRun.RunAsync(options, options.ChurnRounds, options.Duration);
}

if (options.IdleRamp > 0)
{
    return await IdleRun.RunAsync(options);
}

var run = new LoadRun(options);
var clients = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(i, run)).ToArray();
var slow = Enumerable.Range(options.Clients, options.SlowClients).Select(i => new LoadClient(i, run)).ToArray();
run.SetClients(clients);

Console.WriteLine($"Connecting {clients.Length} clients ({options.Protocol}, {options.Rooms} room(s), {options.Rate.ToString(CultureInfo.InvariantCulture)} Hz) and {slow.Length} that never read to {string.Join(", ", options.Urls)}");
var connectErrors = await LoadClient.ConnectAllAsync(clients, batchSize: 50);

foreach (var client in slow)
{
    await client.ConnectAsync(reads: false);
}

using var stop = new CancellationTokenSource();
var senders = clients.Select(c => Task.Run(() => c.SendLoopAsync(stop.Token))).ToArray();

await Task.Delay(options.Warmup);
var cpuBefore = options.ServerPid is { } pid ? ServerProcess.CpuSeconds(pid) : default;
var ownCpuBefore = Environment.CpuUsage.TotalTime;
var memory = new List<double>();
run.OpenWindow(options.Duration);
var started = DateTime.UtcNow;
while (DateTime.UtcNow - started < options.Duration)
{
    await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, options.Duration.TotalSeconds)));
    if (options.ServerPid is { } p)
    {
        memory.Add(ServerProcess.ResidentMegabytes(p));
    }
}

var cpuAfter = options.ServerPid is { } id ? ServerProcess.CpuSeconds(id) : (User: double.NaN, System: double.NaN);
var userCpu = cpuAfter.User - cpuBefore.User;
var systemCpu = cpuAfter.System - cpuBefore.System;
var cpu = userCpu + systemCpu;
var ownCpu = (Environment.CpuUsage.TotalTime - ownCpuBefore).TotalSeconds;

// Updates sent at the end of the window may still be on their way.
await Task.Delay(TimeSpan.FromSeconds(2));
run.Stopping = true;
await stop.CancelAsync();
await Task.WhenAll(senders);
foreach (var client in clients.Concat(slow))
{
    client.Abort();
}

var seconds = options.Duration.TotalSeconds;
var result = new
{
    protocol = options.Protocol,
    deflateOffered = options.Deflate,
    clients = clients.Length,
    slowClients = slow.Length,
    rooms = options.Rooms,
    rateHz = options.Rate,
    seconds,
    connections = clients.Length + slow.Length - connectErrors,
    sent = run.SentInWindow,
    expected = run.Expected,
    delivered = run.Delivered,
    deliveredPercent = run.Expected == 0 ? 0 : Math.Round(run.Delivered * 100.0 / run.Expected, 3),
    deliveriesPerSecond = Math.Round(run.Delivered / seconds),
    p50Ms = run.Latency.Percentile(50),
    p90Ms = run.Latency.Percentile(90),
    p99Ms = run.Latency.Percentile(99),
    maxMs = Math.Round(run.Latency.Max, 2),
    errors = run.Errors + connectErrors,
    closedByServer = run.Closed,
    serverCpuSeconds = Math.Round(cpu, 2),
    serverUserCpuSeconds = Math.Round(userCpu, 2),
    serverSystemCpuSeconds = Math.Round(systemCpu, 2),
    serverCpuSecondsPerMillionDeliveries = run.Delivered == 0 ? double.NaN : Math.Round(cpu / (run.Delivered / 1e6), 3),
    deliveriesPerServerCpuSecond = Math.Round(run.Delivered / cpu),
    loadToolCpuSeconds = Math.Round(ownCpu, 2),
    serverRssMb = memory.Select(m => Math.Round(m, 1)).ToArray(),
};

Console.WriteLine($"connections {result.connections}, sent {result.sent}, delivered {result.delivered} of {result.expected} ({result.deliveredPercent} %), {result.deliveriesPerSecond}/s");
Console.WriteLine($"latency p50 {result.p50Ms} ms, p90 {result.p90Ms} ms, p99 {result.p99Ms} ms, max {result.maxMs} ms; errors {result.errors}, closed by server {result.closedByServer}");
Console.WriteLine($"load tool CPU {result.loadToolCpuSeconds} s over {seconds} s");
if (options.ServerPid is not null)
{
    Console.WriteLine($"server CPU {result.serverCpuSeconds} s (user {result.serverUserCpuSeconds}, system {result.serverSystemCpuSeconds}) = {result.serverCpuSecondsPerMillionDeliveries} s per million deliveries ({result.deliveriesPerServerCpuSecond}/CPU-s); RSS MB {string.Join(" ", result.serverRssMb)}");
}

// A run with nothing delivered divides by zero: NaN is written as "NaN" rather than failing the report.
Console.WriteLine("RESULT " + JsonSerializer.Serialize(result, new JsonSerializerOptions { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
return 0;
