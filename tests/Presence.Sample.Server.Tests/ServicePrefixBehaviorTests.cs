using Presence.Testing;

namespace Presence.Sample.Server.Tests;

/// <summary>The whole behaviour suite against the sample server process, through the single origin's <c>/server/ws</c>.</summary>
public sealed class ServicePrefixBehaviorTests(SampleServerFixture fixture) : PresenceBehaviorTests, IClassFixture<SampleServerFixture>
{
    protected override async Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        await fixture.Server.ConnectAsync("/server/ws", id, name, color, room);
}
