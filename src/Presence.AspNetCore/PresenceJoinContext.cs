using Microsoft.AspNetCore.Http;

namespace Presence.AspNetCore;

/// <summary>
/// A join as a join hook sees it, before the WebSocket is accepted: who asks for which room. The hook may change the
/// name and colour the participant starts with.
/// </summary>
public sealed class PresenceJoinContext
{
    internal PresenceJoinContext(HttpContext httpContext, string room, string? participantId, bool isAuthenticated, string? name, string? color)
    {
        HttpContext = httpContext;
        Room = room;
        ParticipantId = participantId;
        IsAuthenticated = isAuthenticated;
        Name = name;
        Color = color;
    }

    /// <summary>Gets the upgrade request, with its user (<see cref="HttpContext.User"/>) and services.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Gets the room asked for, cleaned.</summary>
    public string Room { get; }

    /// <summary>
    /// Gets the participant id: the signed-in user's when <see cref="IsAuthenticated"/>; otherwise the one the client
    /// asked for, unchecked (the engine may still give it a fresh one), or <see langword="null"/>.
    /// </summary>
    public string? ParticipantId { get; }

    /// <summary>Gets a value telling whether the id is the signed-in user's.</summary>
    public bool IsAuthenticated { get; }

    /// <summary>Gets or sets the display name the participant starts with; cleaned by the rules like any other.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the cursor colour the participant starts with, <c>#rrggbb</c>; cleaned by the rules.</summary>
    public string? Color { get; set; }

    /// <summary>
    /// Gets or sets what the server says of the participant (<see cref="PresenceUser.Info"/>), such as a role or an
    /// avatar from the application's data: everyone in the room sees it, and its client cannot change it.
    /// </summary>
    public PresenceState? Info { get; set; }
}
