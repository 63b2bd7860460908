namespace Presence.Testing;

/// <summary>Polls a condition until it holds, failing the test after a generous timeout.</summary>
public static class Eventually
{
    public static Task HoldsAsync(Func<bool> condition) => HoldsAsync(() => Task.FromResult(condition()));

    public static Task HoldsAsync(Func<Task<bool>> condition) => HoldsAsync(condition, () => Task.FromResult("The condition never held."));

    /// <summary>Polls a condition; when it never holds, fails with what <paramref name="describe"/> says then.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + PresenceTestClient.DefaultTimeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail(await describe());
            }

            await Task.Delay(10);
        }
    }
}
