using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Presence.Testing;

/// <summary>
/// A real redis-server on 127.0.0.1 and a free port, in a folder of its own, without persistence: a restart
/// comes back empty, as after a crash. Stops by itself when disposed.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _extraArguments;

    private RedisServer(int port, string directory, string extraArguments)
    {
        Port = port;
        _directory = directory;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public string Url => $"redis://127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(string extraArguments = "")
    {
        var directory = Directory.CreateTempSubdirectory("presence-redis-").FullName;
        var server = new RedisServer(FreePort(), directory, extraArguments);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        await RunAsync("redis-server",
            $"--port {Port} --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile {_directory}/redis.pid --logfile {_directory}/redis.log --dir {_directory} {_extraArguments}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await RunAsync("redis-cli", $"-p {Port} ping", check: false)).Trim() != "PONG")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not start on port {Port}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server at once, dropping its data: an outage.</summary>
    public Task StopAsync()
    {
        Volatile.Write(ref _lastStopped, System.Diagnostics.Stopwatch.GetTimestamp());
        return RunAsync("redis-cli", $"-p {Port} shutdown nosave", check: false);
    }

    private long _lastStopped;

    /// <summary>Gets how long ago the server was last stopped, by whoever shares it; <see langword="null"/> if never.</summary>
    public TimeSpan? SinceLastStop => Volatile.Read(ref _lastStopped) is var stopped and not 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(stopped) : null;

    /// <summary>Runs a redis-cli command against this server and returns what it printed.</summary>
    public Task<string> CliAsync(string arguments) => RunAsync("redis-cli", $"-p {Port} {arguments}");

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static async Task<string> RunAsync(string command, string arguments, bool check = true)
    {
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"{command} {arguments}");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {arguments} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
