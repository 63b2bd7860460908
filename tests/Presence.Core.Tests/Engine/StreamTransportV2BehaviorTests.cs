using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>The shared behaviour suite again, every client speaking protocol v2 (ticks of batched frames).</summary>
public sealed class StreamTransportV2BehaviorTests : PresenceBehaviorTests, IAsyncDisposable
{
    private readonly EngineHost _host = new();

    protected override bool MayEchoOwnEvents => true;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    protected override Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        Task.FromResult<PresenceTestClient>(_host.Connect(id, name, color, room, PresenceProtocolVersion.V2));
}
