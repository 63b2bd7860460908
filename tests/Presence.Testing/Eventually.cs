namespace Presence.Testing;

/// <summary>Polls a condition until it holds, failing the test after a generous timeout.</summary>
public static class Eventually
{
    public static Task HoldsAsync(Func<bool> condition) => HoldsAsync(() => Task.FromResult(condition()));

    public static async Task HoldsAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + PresenceTestClient.DefaultTimeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition never held.");
            await Task.Delay(10);
        }
    }
}
