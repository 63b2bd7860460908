using Microsoft.Extensions.Options;

namespace Presence.Testing;

/// <summary>A presence engine in process, reached through in-memory <see cref="StreamPresenceTransport"/> pairs.</summary>
public sealed class EngineHost : IAsyncDisposable
{
    private readonly List<StreamTestClient> _clients = [];

    public EngineHost(IPresenceStore? store = null, PresenceOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new PresenceOptions();
        Store = store ?? new InMemoryPresenceStore();
        Engine = new PresenceEngine(Store, Microsoft.Extensions.Options.Options.Create(Options), timeProvider ?? TimeProvider.System);
    }

    public PresenceEngine Engine { get; }

    public IPresenceStore Store { get; }

    public PresenceOptions Options { get; }

    public StreamTestClient Connect(string? id, string? name = null, string? color = null, string? room = null, PresenceProtocolVersion version = PresenceProtocolVersion.V1)
    {
        var (server, client) = StreamPresenceTransport.CreatePair(Options.MaximumMessageSize);
        var run = Task.Run(() => Engine.RunAsync(server, new PresenceJoinRequest(id, name, color, room) { Version = version }));
        var testClient = new StreamTestClient(client, run);
        lock (_clients)
        {
            _clients.Add(testClient);
        }

        return testClient;
    }

    /// <summary>Waits until the engine has <paramref name="count"/> open connections.</summary>
    public async Task WaitForConnectionCountAsync(int count)
    {
        var deadline = DateTime.UtcNow + PresenceTestClient.DefaultTimeout;
        while (Engine.ConnectionCount != count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The engine has {Engine.ConnectionCount} connections, not {count}.");
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Engine.DisposeAsync();
    }
}
