using System.Globalization;
using System.Text.Json;

namespace Presence.LoadTest;

/// <summary>
/// Rooms opened and closed in rounds: each round connects every client to a room of its own, holds them a moment,
/// then drops them all, so that every room closes. The server's resident memory is read before, after each round,
/// and after the server has stood idle, to show what it keeps of rooms that are gone.
/// </summary>
internal static class ChurnRun
{
    public static async Task<int> RunAsync(LoadOptions options, int rounds, TimeSpan idle)
    {
        if (options.ServerPid is not { } pid)
        {
            throw new ArgumentException("--churn needs --server-pid");
        }

        var baseline = ServerProcess.ResidentMegabytes(pid);
        var peaks = new List<double>();
        var afterRounds = new List<double>();
        var errors = 0;
        Console.WriteLine($"Churning {rounds} rounds of {options.Clients} clients in {options.Rooms} rooms ({options.Protocol}); RSS before {baseline:F1} MB");
        for (var round = 0; round < rounds; round++)
        {
            var run = new LoadRun(options);
            var clients = Enumerable.Range(0, options.Clients).Select(i => new LoadClient(i, run)).ToArray();
            run.SetClients(clients);
            errors += await LoadClient.ConnectAllAsync(clients, batchSize: 100);

            await Task.Delay(TimeSpan.FromSeconds(2));
            peaks.Add(ServerProcess.ResidentMegabytes(pid));
            run.Stopping = true;
            foreach (var client in clients)
            {
                client.Abort();
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            afterRounds.Add(ServerProcess.ResidentMegabytes(pid));
            Console.WriteLine($"round {round + 1}: RSS {peaks[^1]:F1} MB with the rooms open, {afterRounds[^1]:F1} MB once they closed");
        }

        await Task.Delay(idle);
        var idleRss = ServerProcess.ResidentMegabytes(pid);
        var result = new
        {
            mode = "churn",
            protocol = options.Protocol,
            clients = options.Clients,
            rooms = options.Rooms,
            rounds,
            idleSeconds = idle.TotalSeconds,
            connectErrors = errors,
            baselineRssMb = Math.Round(baseline, 1),
            peakRssMb = peaks.Select(m => Math.Round(m, 1)).ToArray(),
            afterRoundRssMb = afterRounds.Select(m => Math.Round(m, 1)).ToArray(),
            idleRssMb = Math.Round(idleRss, 1),
            keptMb = Math.Round(idleRss - baseline, 1),
        };
        Console.WriteLine($"after {idle.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s idle: RSS {idleRss:F1} MB, {result.keptMb} MB above the start");
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
        return 0;
    }
}
