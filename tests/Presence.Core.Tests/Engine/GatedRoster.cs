using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>
/// The in-memory roster, with calls that can be held at a gate: a round trip to the store that takes as long as the
/// test needs, so that what races with it can happen in the middle.
/// </summary>
internal sealed class GatedRoster(IPresenceRoster inner) : IPresenceRoster
{
    private readonly List<Gate> _gates = [];

    public string Label => inner.Label;

    /// <summary>Holds the next removal of <paramref name="id"/>.</summary>
    public Gate HoldRelease(string id) => Add(new Gate("release", user => user.Id == id));

    /// <summary>Holds the next claim or write of a participant that matches.</summary>
    public Gate HoldWrite(Func<PresenceUser, bool> match) => Add(new Gate("write", match));

    public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default) => inner.SnapshotAsync(room, cancellationToken);

    public async ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        await PassAsync("write", user);
        return await inner.ClaimAsync(room, user, session, mode, cancellationToken);
    }

    public async ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        await PassAsync("write", user);
        return await inner.UpdateAsync(room, user, session, mode, cancellationToken);
    }

    public async ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default)
    {
        await PassAsync("release", new PresenceUser(participantId, "", "", 0, 0, 0));
        return await inner.ReleaseAsync(room, participantId, session, cancellationToken);
    }

    private Gate Add(Gate gate)
    {
        lock (_gates)
        {
            _gates.Add(gate);
        }

        return gate;
    }

    private Task PassAsync(string operation, PresenceUser user)
    {
        Gate? gate;
        lock (_gates)
        {
            gate = _gates.Find(g => g.Operation == operation && g.Match(user));
            if (gate is not null)
            {
                _gates.Remove(gate);
            }
        }

        if (gate is null)
        {
            return Task.CompletedTask;
        }

        gate.Reached.TrySetResult();
        return gate.Opened.Task;
    }

    /// <summary>One held call: <see cref="Reached"/> completes when it arrives, and it goes on once opened.</summary>
    public sealed class Gate(string operation, Func<PresenceUser, bool> match)
    {
        public string Operation { get; } = operation;

        public Func<PresenceUser, bool> Match { get; } = match;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task WaitUntilReachedAsync() => Reached.Task.WaitAsync(PresenceTestClient.DefaultTimeout);

        public void Open() => Opened.TrySetResult();
    }
}
