namespace Presence.Testing;

/// <summary>
/// Durations that tests observe on the way, such as how fast clients converged, appended to
/// <c>measurements.txt</c> in the test output folder. They are reported, never asserted: tests check deadlines
/// with generous timeouts, and figures come from these records.
/// </summary>
public static class Measurements
{
    private static readonly object Gate = new();

    public static void Record(string what, TimeSpan elapsed)
    {
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(AppContext.BaseDirectory, "measurements.txt"), $"{DateTime.UtcNow:O}\t{what}\t{elapsed.TotalMilliseconds:F0} ms{Environment.NewLine}");
        }
    }
}
