using System.Collections.Concurrent;

namespace Presence.Testing;

/// <summary>
/// The resume tokens the test clients were given, by participant id, so that a test client reconnecting with an id
/// proves its earlier session as the board does. Kept per test (its key-value storage), so that tests that run at once
/// and share ids never mix their tokens (keyed by the test's unique id: the test context's key-value storage is the
/// whole run's); outside a test (the soak), in one place.
/// </summary>
public static class ResumeTokenJar
{
    private static readonly ConcurrentDictionary<string, object?> Outside = new();
    private static readonly AsyncLocal<ConcurrentDictionary<string, object?>?> Scope = new();

    private static ConcurrentDictionary<string, object?> Store => Scope.Value ?? Outside;

    private static string Key(string id) => $"{TestContext.Current.Test?.UniqueID}:{id}";

    public static void Remember(string id, string? token)
    {
        if (token is not null)
        {
            Store[Key(id)] = token;
        }
    }

    /// <summary>
    /// Gives the calling flow (and what it awaits) a jar of its own, empty: sequences that run at once over fleets of
    /// their own, with the same ids, each keep their tokens.
    /// </summary>
    public static void BeginScope() => Scope.Value = new ConcurrentDictionary<string, object?>();

    public static string? Recall(string? id) => id is not null && Store.TryGetValue(Key(id), out var token) ? token as string : null;
}
