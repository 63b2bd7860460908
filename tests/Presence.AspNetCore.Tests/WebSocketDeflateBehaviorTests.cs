using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>
/// The shared behaviour suite with every client offering permessage-deflate, as browsers do: v2 frames arrive
/// deflated once for all recipients, and the clients compress what they send.
/// </summary>
public sealed class WebSocketDeflateBehaviorTests(WebSocketBehaviorTests.Server server) : PresenceBehaviorTests, IClassFixture<WebSocketBehaviorTests.Server>
{
    protected override bool MayEchoOwnEvents => true;

    protected override async Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        await server.Instance.ConnectAsync(id, name, color, room, PresenceProtocolVersion.V2, deflate: true);
}
