using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>The shared behaviour suite over the newline-delimited stream transport, in process.</summary>
public sealed class StreamTransportBehaviorTests : PresenceBehaviorTests, IAsyncDisposable
{
    private readonly EngineHost _host = new();

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    protected override Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null) =>
        Task.FromResult<PresenceTestClient>(_host.Connect(id, name, color, room));
}
