using System.Collections.Concurrent;

namespace Presence.Tests.Engine;

/// <summary>The in-memory roster, counting the writes the engine makes.</summary>
internal sealed class CountingRoster(IPresenceRoster inner) : IPresenceRoster
{
    private readonly ConcurrentDictionary<string, int> _writes = new();

    public string Label => inner.Label;

    public int WritesOf(string id) => _writes.GetValueOrDefault(id);

    public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default) => inner.SnapshotAsync(room, cancellationToken);

    public ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        _writes.AddOrUpdate(user.Id, 1, (_, n) => n + 1);
        return inner.ClaimAsync(room, user, session, mode, cancellationToken);
    }

    public ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        _writes.AddOrUpdate(user.Id, 1, (_, n) => n + 1);
        return inner.UpdateAsync(room, user, session, mode, cancellationToken);
    }

    public ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default) =>
        inner.ReleaseAsync(room, participantId, session, cancellationToken);
}
