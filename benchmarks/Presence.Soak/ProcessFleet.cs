using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Presence.Testing;
using Presence.Testing.ScaleOut;

namespace Presence.Soak;

/// <summary>Sample-server processes on one redis-server, as a user deploys them: each can be killed and started again.</summary>
internal sealed class ProcessFleet : ScaleOutFleet
{
    private readonly string _serverDll;
    private readonly RedisServer _redis;
    private readonly Instance[] _instances;

    private ProcessFleet(string serverDll, RedisServer redis, int count)
    {
        _serverDll = serverDll;
        _redis = redis;
        _instances = new Instance[count];
    }

    public override int InstanceCount => _instances.Length;

    public override bool CanKill => true;

    public override bool CanRestartStore => true;

    // The sample's processes serve no room API to the soak: it drives their clients only.
    public override bool HasRoomApi => false;

    /// <summary>Gets the processes now serving, for their CPU time and memory.</summary>
    public IEnumerable<Process> Processes => _instances.Select(i => i.Process);

    public static async Task<ProcessFleet> StartAsync(string serverDll, RedisServer redis, int count)
    {
        var fleet = new ProcessFleet(serverDll, redis, count);
        for (var i = 0; i < count; i++)
        {
            fleet._instances[i] = await fleet.StartInstanceAsync(i);
        }

        return fleet;
    }

    public override async Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version) =>
        await WebSocketTestClient.ConnectAsync(WebSocketUris.Create(_instances[instance].BaseAddress, "/server/ws", id, name, color, room), version);

    public override async Task<int> SubscriptionCountAsync(string? room)
    {
        PresenceRules.TryCleanRoom(room, out var name);
        var channel = name == PresenceRules.DefaultRoom ? "collab:presence:events" : $"collab:presence:{{{name}}}:events";
        var reply = (await _redis.CliAsync($"pubsub numsub {channel}")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(reply[^1].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task KillAndRestartAsync(int instance)
    {
        var old = _instances[instance];
        old.Process.Kill();
        await old.Process.WaitForExitAsync();
        _instances[instance] = await StartInstanceAsync(instance);
    }

    public override async Task RestartStoreAsync()
    {
        await _redis.StopAsync();
        await _redis.StartAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances.Where(i => i is not null))
        {
            instance.Process.Kill();
            await instance.Process.WaitForExitAsync();
        }
    }

    private async Task<Instance> StartInstanceAsync(int index)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(_serverDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_serverDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["REDIS_URL"] = _redis.Url;
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        var options = TestOptions();
        start.Environment["Presence__TickInterval"] = options.TickInterval.ToString();
        start.Environment["Presence__CursorPersistInterval"] = options.CursorPersistInterval.ToString();
        start.Environment["Presence__ResyncDelay"] = options.ResyncDelay.ToString();
        start.Environment["Presence__Redis__CrashCleanupTimeout"] = "00:00:02";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The sample server did not start.");
        // What the instances log goes into the fleet's trace, between the steps, so that a violation shows both.
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Note($"[{index}] {line}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) { Console.Error.WriteLine($"[server {port}] {line}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { BaseAddress = address };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                if ((await http.GetAsync("/api/v1/health")).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (DateTime.UtcNow > deadline || process.HasExited)
            {
                throw new InvalidOperationException($"The sample server on port {port} did not become healthy.");
            }

            await Task.Delay(100);
        }

        return new Instance(process, address);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Instance(Process Process, Uri BaseAddress);
}
