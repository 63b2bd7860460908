using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>The shared behaviour suite over real Kestrel and <see cref="System.Net.WebSockets.ClientWebSocket"/>.</summary>
public sealed class WebSocketBehaviorTests(WebSocketBehaviorTests.Server server) : PresenceBehaviorTests, IClassFixture<WebSocketBehaviorTests.Server>
{
    protected override async Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        await server.Instance.ConnectAsync(id, name, color, room);

    public sealed class Server : IAsyncLifetime
    {
        public KestrelPresenceServer Instance { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Instance = await KestrelPresenceServer.StartAsync();

        public ValueTask DisposeAsync() => Instance.DisposeAsync();
    }
}
