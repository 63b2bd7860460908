namespace Presence.Testing;

/// <summary>Builds the WebSocket address a seed-protocol client connects to.</summary>
public static class WebSocketUris
{
    /// <remarks>The resume token this test was given for the id, if any, goes along (<see cref="ResumeTokenJar"/>).</remarks>
    public static Uri Create(Uri baseAddress, string path, string? id, string? name = null, string? color = null, string? room = null)
    {
        var query = string.Join('&', new[] { ("id", id), ("name", name), ("color", color), ("room", room), ("resume", ResumeTokenJar.Recall(id)) }
            .Where(p => p.Item2 is not null)
            .Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        return new UriBuilder(baseAddress) { Scheme = baseAddress.Scheme == "https" ? "wss" : "ws", Path = path, Query = query }.Uri;
    }
}
