using System.Globalization;

namespace Presence.Internal;

/// <summary>
/// The sessions an engine makes for its connections, in the form <see cref="IPresenceRoster"/> documents:
/// <c>{when the connection opened, in Unix milliseconds}.{unique to the connection}</c>. The time orders claims of one
/// participant when the roster lost the newer one's record (an outage) or never got it.
/// </summary>
internal static class RosterSessions
{
    public static string Create(long openedAtUnixMilliseconds, string unique) =>
        string.Concat(openedAtUnixMilliseconds.ToString(CultureInfo.InvariantCulture), ".", unique);

    /// <summary>Gets when the session's connection opened; false for a session not in the documented form.</summary>
    public static bool TryGetOpenedAt(string session, out long unixMilliseconds)
    {
        var dot = session.IndexOf('.', StringComparison.Ordinal);
        unixMilliseconds = 0;
        return dot > 0 && long.TryParse(session.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out unixMilliseconds);
    }

    /// <summary>True when <paramref name="session"/> opened strictly after <paramref name="other"/>; false when either is not in the documented form.</summary>
    public static bool IsNewer(string session, string other) =>
        TryGetOpenedAt(session, out var mine) && TryGetOpenedAt(other, out var theirs) && mine > theirs;
}
