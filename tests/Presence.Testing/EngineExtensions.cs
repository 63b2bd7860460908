namespace Presence.Testing;

public static class EngineExtensions
{
    /// <summary>Waits until the engine has exactly <paramref name="count"/> open connections.</summary>
    public static Task WaitForConnectionsAsync(this PresenceEngine engine, int count) =>
        Eventually.HoldsAsync(() => engine.ConnectionCount == count);
}
