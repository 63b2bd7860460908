using System.Diagnostics;
using System.Text;
using Presence.Testing;

namespace Presence.Packaging.Tests;

/// <summary>
/// The sample published as a Native AOT build, with its settings from configuration: options bind through the
/// source generator, so an environment variable takes effect there as in the JIT build.
/// </summary>
public sealed class NativeAotTests
{
    [Fact]
    public async Task TheSampleAsANativeBuild_TakesItsSettingsFromConfiguration()
    {
        var output = Path.Combine(Path.GetTempPath(), "presence-aot-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // clang and zlib come from Debian's packages (test.sh installs them).
            await FromAFeedTests.RunAsync(
                "dotnet", FromAFeedTests.Root, "publish", Path.Combine("samples", "Presence.Sample.Server"), "-c", "Release", "-r", "linux-x64",
                "-p:PublishAot=true", "-p:SkipBoardBuild=true", "-o", output, "--nologo");
            var native = Path.Combine(output, "Presence.Sample.Server");
            Assert.True(File.Exists(native), "The publish made no native executable.");
            Assert.False(File.Exists(Path.Combine(output, "Presence.Sample.Server.dll")), "The publish made an IL build, not a native one.");

            var port = FromAFeedTests.FreePort();
            var start = new ProcessStartInfo(native) { WorkingDirectory = output, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["Presence__MaximumMessageSize"] = "300";
            start.Environment["Presence__WebSockets__AllowedOrigins__0"] = "https://app.example";
            using var server = Process.Start(start) ?? throw new InvalidOperationException("The native sample did not start.");
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            try
            {
                var address = new Uri($"http://127.0.0.1:{port}");
                await Eventually.HoldsAsync(async () =>
                {
                    using var http = new HttpClient { BaseAddress = address };
                    try
                    {
                        return await http.GetStringAsync(new Uri("/health", UriKind.Relative)) == "Healthy";
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                });

                // A message past the configured 300 bytes closes the connection with 1009, as in the JIT build.
                await using var client = await WebSocketTestClient.ConnectAsync(WebSocketUris.Create(address, "/ws", "aot", "Aot", "#336699", "aot"));
                await client.WaitForAsync<SnapshotMessage>();
                await client.SendTextAsync("{\"type\":\"hello\",\"name\":\"" + new string('a', 400) + "\",\"color\":\"#336699\"}");
                await client.WaitForCloseAsync();
                Assert.Equal(PresenceCloseStatus.MessageTooBig, client.CloseStatus);

                // A list in a nested section binds too: a page of the configured origin may connect, which the
                // default (same origin only) would refuse with 403.
                using var socket = new System.Net.WebSockets.ClientWebSocket();
                socket.Options.SetRequestHeader("Origin", "https://app.example");
                await socket.ConnectAsync(WebSocketUris.Create(address, "/ws", "other", room: "aot"), CancellationToken.None);
                Assert.Equal(System.Net.WebSockets.WebSocketState.Open, socket.State);
            }
            finally
            {
                server.Kill();
                await server.WaitForExitAsync();
            }
        }
        finally
        {
            try
            {
                Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
                // The system cleans its temp folder.
            }
        }
    }
}
