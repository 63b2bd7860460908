namespace Presence.Sample.Server.Tests;

/// <summary>One sample server process shared by a test class.</summary>
public sealed class SampleServerFixture : IAsyncLifetime
{
    public SampleServerProcess Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await SampleServerProcess.StartAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
