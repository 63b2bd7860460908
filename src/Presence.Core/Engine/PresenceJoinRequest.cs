namespace Presence;

/// <summary>
/// What a connecting client asked for, uncleaned: the WebSocket transport takes it from the query string
/// (<c>?id=&amp;name=&amp;color=&amp;room=</c>). The engine cleans every field with <see cref="PresenceRules"/>.
/// </summary>
/// <param name="Id">The participant id; an unusable one makes the server assign one.</param>
/// <param name="Name">The display name.</param>
/// <param name="Color">The cursor colour, <c>#rrggbb</c>.</param>
/// <param name="Room">The room; <see langword="null"/> or blank for <see cref="PresenceRules.DefaultRoom"/>.</param>
public sealed record PresenceJoinRequest(string? Id, string? Name, string? Color, string? Room = null)
{
    /// <summary>Gets the protocol the client speaks; the WebSocket transport reads it from the subprotocol.</summary>
    /// <value><see cref="PresenceProtocolVersion.V1"/>.</value>
    public PresenceProtocolVersion Version { get; init; } = PresenceProtocolVersion.V1;

    /// <summary>
    /// Gets the resume token of the client's earlier connection (<see cref="SnapshotMessage.ResumeToken"/>), which
    /// lets it take back an id that is live or in its reconnect grace window; the WebSocket transport reads it from
    /// <c>?resume=</c>.
    /// </summary>
    public string? ResumeToken { get; init; }

    /// <summary>
    /// Gets a value telling whether <see cref="Id"/> is the signed-in user's, as the application authenticated it: it
    /// is taken as given, with no resume token, and a live connection of that id is replaced. The WebSocket transport
    /// sets it for an authenticated user, whose id it takes from a claim.
    /// </summary>
    public bool IsAuthenticated { get; init; }

    /// <summary>
    /// Gets what the server says of the participant (<see cref="PresenceUser.Info"/>), which its client cannot change:
    /// a join hook sets it, from claims or the application's data.
    /// </summary>
    public PresenceState? Info { get; init; }
}
