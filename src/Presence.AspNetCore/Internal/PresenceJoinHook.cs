namespace Presence.AspNetCore.Internal;

/// <summary>One join hook the application registered (<see cref="PresenceJoinExtensions.OnJoin"/>); they run in order.</summary>
internal sealed class PresenceJoinHook(Func<PresenceJoinContext, ValueTask<PresenceJoinDecision>> decide)
{
    public ValueTask<PresenceJoinDecision> DecideAsync(PresenceJoinContext join) => decide(join);
}
