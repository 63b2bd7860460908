using Microsoft.Extensions.DependencyInjection;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore;

/// <summary>Lets the application decide who may join which room, and how they start.</summary>
public static class PresenceJoinExtensions
{
    /// <summary>
    /// Adds a join hook, run for every connection before its WebSocket is accepted, after the origin, the per-address
    /// limits and the room name were checked. Hooks run in the order they were added; the first to refuse ends the
    /// join with close code 4003 and its reason. A hook that throws fails the upgrade request (500), as any endpoint.
    /// </summary>
    /// <param name="builder">The presence builder.</param>
    /// <param name="hook">Decides, and may change the name and colour the participant starts with.</param>
    /// <returns>The builder.</returns>
    /// <example>
    /// <code>
    /// builder.Services.AddPresence().OnJoin(async join =>
    ///     await documents.CanReadAsync(join.HttpContext.User, join.Room)
    ///         ? PresenceJoinDecision.Allow
    ///         : PresenceJoinDecision.Reject("You may not see this document."));
    /// </code>
    /// </example>
    public static IPresenceBuilder OnJoin(this IPresenceBuilder builder, Func<PresenceJoinContext, ValueTask<PresenceJoinDecision>> hook)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(hook);
        builder.Services.AddSingleton(new PresenceJoinHook(hook));
        return builder;
    }
}
