using Microsoft.Extensions.Options;

namespace Presence.Testing;

/// <summary>A presence engine in process, reached through in-memory <see cref="StreamPresenceTransport"/> pairs.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly List<StreamTestClient> _clients = [];

    public EngineHost(
        IPresenceRoster? roster = null,
        PresenceOptions? options = null,
        TimeProvider? timeProvider = null,
        IPresenceBackplane? backplane = null,
        IEnumerable<IPresenceTickListener>? tickListeners = null,
        Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Options = options ?? new PresenceOptions();
        Roster = roster ?? new InMemoryPresenceRoster();
        Engine = new PresenceEngine(
            Roster,
            Microsoft.Extensions.Options.Options.Create(Options),
            timeProvider ?? TimeProvider.System,
            backplane,
            tickListeners,
            loggerFactory is null ? null : Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<PresenceEngine>(loggerFactory),
            meterFactory);
    }

    public PresenceEngine Engine { get; }

    public IPresenceRoster Roster { get; }

    public PresenceOptions Options { get; }

    /// <summary>Connects a client; <paramref name="signedIn"/> makes it a signed-in user, as an authenticated endpoint does.</summary>
    public StreamTestClient Connect(string? id, string? name = null, string? color = null, string? room = null, PresenceProtocolVersion version = PresenceProtocolVersion.V1, bool signedIn = false)
    {
        var (server, client) = StreamPresenceTransport.CreatePair(Options.MaximumMessageSize);
        var request = new PresenceJoinRequest(id, name, color, room) { Version = version, ResumeToken = signedIn ? null : ResumeTokenJar.Recall(id), IsAuthenticated = signedIn };
        var run = Task.Run(() => Engine.RunAsync(server, request));
        var testClient = new StreamTestClient(client, run);
        lock (_clients)
        {
            _clients.Add(testClient);
        }

        return testClient;
    }

    /// <summary>Waits until the engine has <paramref name="count"/> open connections.</summary>
    public Task WaitForConnectionCountAsync(int count) => Engine.WaitForConnectionsAsync(count);

    public async ValueTask DisposeAsync()
    {
        List<StreamTestClient> clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        await Engine.DisposeAsync();
    }
}
