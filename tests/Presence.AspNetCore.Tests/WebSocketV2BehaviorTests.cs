using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>The shared behaviour suite over WebSockets, every client asking for the <c>presence.v2</c> subprotocol.</summary>
public sealed class WebSocketV2BehaviorTests(WebSocketBehaviorTests.Server server) : PresenceBehaviorTests, IClassFixture<WebSocketBehaviorTests.Server>
{
    protected override bool MayEchoOwnEvents => true;

    protected override async Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        await server.Instance.ConnectAsync(id, name, color, room, PresenceProtocolVersion.V2);
}
