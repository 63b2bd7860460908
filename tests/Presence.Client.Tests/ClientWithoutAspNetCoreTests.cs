using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Presence.Client.Tests;

/// <summary>
/// <see cref="PresenceClient.ConnectAsync"/> from a project that references Presence.Core and nothing of ASP.NET Core,
/// against the sample server started as a real process on loopback.
/// </summary>
public sealed class ClientWithoutAspNetCoreTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private Process _server = null!;
    private Uri _endpoint = null!;

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        var output = SampleServerOutput();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = output, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(output, "Presence.Sample.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        _server = Process.Start(start) ?? throw new InvalidOperationException("The sample server did not start.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < Timeout)
            {
            }

            if (deadline.Elapsed > Timeout)
            {
                throw new TimeoutException("The sample server did not become healthy.");
            }

            await Task.Delay(100);
        }

        _endpoint = new Uri($"http://127.0.0.1:{port}/ws");
    }

    public async ValueTask DisposeAsync()
    {
        _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
    }

    [Fact]
    public void ThisProject_RunsOnTheBaseRuntimeAlone()
    {
        // What the runtime loads for this test app: no Microsoft.AspNetCore.App among its frameworks.
        var config = Directory.GetFiles(AppContext.BaseDirectory, "Presence.Client.Tests.runtimeconfig.json").Single();
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        var options = json.RootElement.GetProperty("runtimeOptions");
        var frameworks = options.TryGetProperty("frameworks", out var many)
            ? many.EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToArray()
            : [options.GetProperty("framework").GetProperty("name").GetString()];
        Assert.Equal(["Microsoft.NETCore.App"], frameworks);
        Assert.DoesNotContain(AppDomain.CurrentDomain.GetAssemblies(), a => a.GetName().Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task TwoClients_SeeEachOther_AndEachOthersCursorAndState(PresenceProtocolVersion version)
    {
        var room = "client" + Guid.NewGuid().ToString("N")[..8];
        using var timeout = new CancellationTokenSource(Timeout);
        await using var alice = await PresenceClient.ConnectAsync(_endpoint, new PresenceClientOptions { Room = room, Id = "alice", Name = "Alice", Color = "#336699", Version = version }, timeout.Token);
        var aliceRuns = alice.RunAsync(timeout.Token);
        await using var bob = await PresenceClient.ConnectAsync(_endpoint, new PresenceClientOptions { Room = room, Id = "bob", Name = "Bob", Version = version }, timeout.Token);
        var bobRuns = bob.RunAsync(timeout.Token);

        await UntilAsync(() => alice.Roster.ContainsKey("bob") && bob.SelfId == "bob", timeout.Token);
        Assert.NotNull(bob.ResumeToken);

        await bob.SendCursorAsync(0.25, 0.75, timeout.Token);
        await bob.SetStateAsync(PresenceState.Parse("""{"status":"busy"}"""), timeout.Token);
        await UntilAsync(() => alice.Roster.TryGetValue("bob", out var b) && b.X == 0.25 && b.Y == 0.75 && b.State?.ToString() == """{"status":"busy"}""", timeout.Token);
        Assert.Equal("Bob", alice.Roster["bob"].Name);

        // Bob goes; alice hears it, and her own connection goes on.
        await bob.DisposeAsync();
        await bobRuns.WaitAsync(timeout.Token);
        await UntilAsync(() => !alice.Roster.ContainsKey("bob"), timeout.Token);
        Assert.False(aliceRuns.IsCompleted);
    }

    [Fact]
    public async Task ARefusedUpgrade_IsAWebSocketException()
    {
        // An invalid room name is refused with 400 before the upgrade.
        var error = await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() =>
            PresenceClient.ConnectAsync(_endpoint, new PresenceClientOptions { Room = "no spaces" }));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
    }

    private static async Task UntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string SampleServerOutput()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (here.Name, here.Parent!.Name);
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Presence.sln")))
        {
            root = root.Parent;
        }

        return Path.Combine(root?.FullName ?? throw new InvalidOperationException("Presence.sln not found above the test output."), "samples", "Presence.Sample.Server", "bin", configuration, framework);
    }
}
