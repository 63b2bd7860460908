using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Presence.Testing;

namespace Presence.Packaging.Tests;

/// <summary>
/// What a new user does: pack the packages into a folder feed, create a fresh <c>dotnet new web</c> app, add the package
/// from the feed, add the lines README shows, run it, and connect. README's lines are kept true here.
/// </summary>
public sealed partial class FromAFeedTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    internal static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(4);

    private string Feed => feed.Directory;

    private string Work => feed.Work;

    private string Version => feed.Version;

    [Fact]
    public async Task AFreshWebApp_WithReadmesLines_ServesPresence()
    {
        var app = Path.Combine(Work, "app");
        await RunAsync("dotnet", Work, "new", "web", "-o", app, "--no-restore");
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await RunAsync("dotnet", app, "add", "package", "Presence.AspNetCore", "--version", Version);

        // README's two lines, where a web app's Program.cs has room for them.
        var (services, endpoints) = ReadmeLines();
        var program = await File.ReadAllTextAsync(Path.Combine(app, "Program.cs"));
        program = program.Replace("var app = builder.Build();", services + "\nvar app = builder.Build();\n" + endpoints, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);
        await RunAsync("dotnet", app, "build", "--nologo");

        var port = FreePort();
        using var server = Start("dotnet", app, "run", "--no-build", "--urls", $"http://127.0.0.1:{port}");
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}");
            await Eventually.HoldsAsync(async () =>
            {
                using var http = new HttpClient { BaseAddress = address };
                try
                {
                    return (await http.GetAsync(new Uri("/", UriKind.Relative))).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            });

            await using var alice = await WebSocketTestClient.ConnectAsync(WebSocketUris.Create(address, "/ws", "alice", "Alice", "#336699", "doc"));
            await alice.WaitForAsync<SnapshotMessage>();
            await using var bob = await WebSocketTestClient.ConnectAsync(WebSocketUris.Create(address, "/ws", "bob", "Bob", "#aa00aa", "doc"), PresenceProtocolVersion.V2);
            await bob.WaitForAsync<SnapshotMessage>();
            await bob.SendCursorAsync(0.25, 0.75);
            await alice.WaitForRosterAsync(r => r.TryGetValue("bob", out var b) && b.X == 0.25 && b.Y == 0.75);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    [Fact]
    public void ThePackages_NameTheirRepository_CarryAnIcon_AndLinkTheDocsAbsolutely()
    {
        foreach (var package in Directory.GetFiles(Feed, "*.nupkg"))
        {
            using var zip = ZipFile.OpenRead(package);
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            var repository = metadata.Element(ns + "repository")!.Attribute("url")!.Value;
            Assert.StartsWith("https://", repository, StringComparison.Ordinal);
            Assert.Equal(repository, metadata.Element(ns + "projectUrl")!.Value);
            Assert.NotNull(zip.GetEntry(metadata.Element(ns + "icon")!.Value));

            // On nuget.org a relative link goes nowhere: every link of the README is absolute, into the repository.
            using var readme = new StreamReader(zip.GetEntry(metadata.Element(ns + "readme")!.Value)!.Open());
            var links = MarkdownLink().Matches(readme.ReadToEnd()).Select(m => m.Groups[1].Value).ToList();
            Assert.All(links, link => Assert.StartsWith(repository + "/", link, StringComparison.Ordinal));

            // Built as CI builds it: no path of the build machine in the binaries.
            foreach (var dll in zip.Entries.Where(e => e.FullName.EndsWith(".dll", StringComparison.Ordinal)))
            {
                using var stream = dll.Open();
                using var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                Assert.True(bytes.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(Root)) < 0, $"{dll.FullName} holds the path {Root}.");
            }
        }

        // Nor in the symbols: their documents are the repository's (/_/), for SourceLink to fetch.
        foreach (var symbols in Directory.GetFiles(Feed, "*.snupkg"))
        {
            using var zip = ZipFile.OpenRead(symbols);
            foreach (var pdb in zip.Entries.Where(e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal)))
            {
                using var stream = pdb.Open();
                var bytes = new MemoryStream();
                stream.CopyTo(bytes);
                bytes.Position = 0;
                using var provider = System.Reflection.Metadata.MetadataReaderProvider.FromPortablePdbStream(bytes);
                var reader = provider.GetMetadataReader();
                var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
                Assert.NotEmpty(documents);
                Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));
            }
        }

        Assert.Equal(3, Directory.GetFiles(Feed, "*.nupkg").Length);
        Assert.Equal(3, Directory.GetFiles(Feed, "*.snupkg").Length);
    }

    // The first C# block of README's "Add it to an ASP.NET Core app": the services' lines, then the endpoints'.
    private static (string Services, string Endpoints) ReadmeLines()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var section = readme[readme.IndexOf("## Add it to an ASP.NET Core app", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("```csharp", StringComparison.Ordinal) + "```csharp".Length)..];
        var lines = block[..block.IndexOf("```", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (
            string.Join('\n', lines.Where(l => l.StartsWith("builder.", StringComparison.Ordinal))),
            string.Join('\n', lines.Where(l => l.StartsWith("app.", StringComparison.Ordinal))));
    }

    internal static string Root
    {
        get
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Presence.sln")))
            {
                root = root.Parent;
            }

            return root?.FullName ?? throw new InvalidOperationException("Presence.sln not found above the test output.");
        }
    }

    private static Process Start(string file, string directory, params string[] arguments)
    {
        var process = Process.Start(StartInfo(file, directory, arguments)) ?? throw new InvalidOperationException($"{file} did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    // A user's app outside this repository: none of this build's MSBuild settings apply to it.
    private static ProcessStartInfo StartInfo(string file, string directory, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildSDKsPath");
        return start;
    }

    internal static async Task RunAsync(string file, string directory, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(file, directory, arguments)) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StepTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} took longer than {StepTimeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
        }
    }

    internal static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"\]\(([^)]+)\)")]
    private static partial Regex MarkdownLink();
}

/// <summary>The three packages, packed once for the class into a folder feed of a temporary directory.</summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public string Work { get; } = Path.Combine(Path.GetTempPath(), "presence-feed-" + Guid.NewGuid().ToString("N")[..8]);

    // A version of its own each run: the machine's package cache never hands back an older build of the same one.
    public string Version { get; } = "0.1.0-feed." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    public string Directory => Path.Combine(Work, "feed");

    public async ValueTask InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var project in new[] { "Presence.Core", "Presence.AspNetCore", "Presence.Redis" })
        {
            await FromAFeedTests.RunAsync("dotnet", FromAFeedTests.Root, "pack", Path.Combine("src", project), "-c", "Release", "-o", Directory, $"-p:Version={Version}", "-p:ContinuousIntegrationBuild=true", "--nologo");
        }
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Work, recursive: true);
        }
        catch (IOException)
        {
            // A process that just exited may still hold a file: the temp folder is the system's to clean.
        }

        return default;
    }
}
