using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>
/// The shared behaviour suite over TLS (wss), v2 clients offering permessage-deflate. Under TLS the connection's buffer
/// is filled only when it is read, so a v2 client's reads cannot wait for the tick as they do over plain HTTP/1.1: this
/// suite is what shows that they do not, and that nothing hangs.
/// </summary>
public sealed class WebSocketTlsBehaviorTests(WebSocketTlsBehaviorTests.Server server) : PresenceBehaviorTests, IClassFixture<WebSocketTlsBehaviorTests.Server>
{
    protected override bool MayEchoOwnEvents => true;

    protected override async Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        await server.Instance.ConnectAsync(id, name, color, room, PresenceProtocolVersion.V2, deflate: true);

    public sealed class Server : IAsyncLifetime
    {
        public KestrelPresenceServer Instance { get; private set; } = null!;

        public async ValueTask InitializeAsync() => Instance = await KestrelPresenceServer.StartAsync(https: true);

        public ValueTask DisposeAsync() => Instance.DisposeAsync();
    }
}
