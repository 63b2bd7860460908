using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Presence.Testing;

namespace Presence.Sample.Server.Tests;

/// <summary>The sample server started as a real process, as a user starts it, on a free loopback port.</summary>
public sealed class SampleServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SampleServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static Task<SampleServerProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null) =>
        StartAsync("Presence.Sample.Server", "/api/v1/health", environment);

    /// <summary>Starts the gateway in front of the given instances, on a free port.</summary>
    public static Task<SampleServerProcess> StartGatewayAsync(params SampleServerProcess[] instances)
    {
        var settings = new Dictionary<string, string>();
        foreach (var cluster in new[] { "api", "board" })
        {
            for (var i = 0; i < 3; i++)
            {
                settings[$"ReverseProxy__Clusters__{cluster}__Destinations__api{i + 1}__Address"] = instances[i % instances.Length].BaseAddress.ToString();
            }
        }

        return StartAsync("Presence.Sample.Gateway", "/server/api/v1/health", settings);
    }

    private static async Task<SampleServerProcess> StartAsync(string project, string healthPath, IReadOnlyDictionary<string, string>? environment)
    {
        var output = SampleOutputDirectory(project);
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(output, project + ".dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The sample server did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new SampleServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitUntilHealthyAsync(healthPath);
        return server;
    }

    public Task<WebSocketTestClient> ConnectAsync(
        string path,
        string? id,
        string? name = null,
        string? color = null,
        string? room = null,
        PresenceProtocolVersion version = PresenceProtocolVersion.V1) =>
        WebSocketTestClient.ConnectAsync(WebSocketUris.Create(BaseAddress, path, id, name, color, room), version);

    /// <summary>Kills the process at once (SIGKILL): no close frames, no departures, no goodbye to Redis.</summary>
    public void Crash() => _process.Kill(entireProcessTree: false);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilHealthyAsync(string healthPath)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sample server exited with {_process.ExitCode}.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri(BaseAddress, healthPath));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The sample server never became healthy.");
            }

            await Task.Delay(100);
        }
    }

    // The sample is built with the tests (a project reference) in the same configuration.
    private static string SampleOutputDirectory(string project)
    {
        var testOutput = AppContext.BaseDirectory;
        var framework = new DirectoryInfo(testOutput.TrimEnd(Path.DirectorySeparatorChar)).Name;
        var configuration = new DirectoryInfo(testOutput.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var root = new DirectoryInfo(testOutput);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Presence.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Presence.sln not found above the test output.");
        }

        var output = Path.Combine(root.FullName, "samples", project, "bin", configuration, framework);
        return File.Exists(Path.Combine(output, project + ".dll"))
            ? output
            : throw new InvalidOperationException($"{project} is not built in {output}.");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
