namespace Presence;

/// <summary>
/// Where the rosters of rooms live, and who owns each participant in them: the part of the seed's store that survives
/// a reconnect. Every connection owns its participant through a <em>session</em>, an opaque string the engine makes
/// unique per connection: the newest claim wins, and a connection that lost its participant to a newer one can no
/// longer write it, remove it or announce its departure.
/// </summary>
/// <remarks>
/// <para>
/// A session reads <c>{opened}.{unique}</c>, where <c>opened</c> is when the connection opened, in Unix milliseconds.
/// It orders two connections of one participant when the roster lost the newer one's claim (a store restarted empty,
/// or a claim made while the store was away): a write of the newer session takes the participant back from the older
/// one, and a write of the older one never takes it from the newer. Instances' clocks must agree to well within the
/// time a participant takes to reconnect, as they must for <see cref="PresenceUser.UpdatedAt"/>.
/// </para>
/// <para>
/// A participant held in <see cref="RosterSessionMode.Shared"/> mode (a signed-in user's tabs, on any instance) has a
/// set of sessions: a shared claim joins them, and a release removes only its own, so that the participant leaves with
/// its last one. An exclusive claim replaces the whole set, as it replaces a single owner.
/// </para>
/// <para>
/// An implementation is a singleton shared by every connection of an instance, so each method must be safe to call
/// concurrently. Calls for the same room and participant take effect in the order they are made, even when the caller
/// does not wait for one before making the next: the engine relies on it to keep a participant's writes behind its
/// claim and ahead of its release. Rooms and ids are already cleaned by <see cref="PresenceRules"/>.
/// </para>
/// <para>
/// A roster shared by several instances announces departures itself (<see cref="ReleaseAsync"/>), because only the
/// removal can tell, atomically, whether there is a departure to announce.
/// </para>
/// </remarks>
public interface IPresenceRoster
{
    /// <summary>Gets the label reported to clients in <c>snapshot.stateStore</c>, such as <c>memory</c> or <c>redis</c>.</summary>
    string Label { get; }

    /// <summary>Reads the room's roster, leaving out (and forgetting) participants that went stale.</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every participant of the room, on every instance.</returns>
    ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes <paramref name="session"/> an owner of a participant that just connected. An exclusive claim writes the
    /// participant and takes it over from whichever sessions owned it before (an older connection, here or elsewhere).
    /// A shared claim joins the participant's other shared sessions when it has some, and then writes nothing: the
    /// participant stays as they made it.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The participant as it is now.</param>
    /// <param name="session">The connection's session.</param>
    /// <param name="mode">Whether the participant may have other connections at the same time.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// The participant as the roster holds it, when a shared claim joined other sessions; otherwise
    /// <see langword="null"/>, and <paramref name="user"/> was written.
    /// </returns>
    ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a participant's new state, and marks it alive now, if <paramref name="session"/> still owns it.
    /// Staleness counts from the last write, not from <see cref="PresenceUser.UpdatedAt"/>.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The participant as it is now.</param>
    /// <param name="session">The connection's session.</param>
    /// <param name="mode">How the session holds the participant, as it claimed it.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see cref="RosterWrite.Written"/>, also when a shared session the roster had lost found the participant's other
    /// shared sessions and joined them again; <see cref="RosterWrite.Restored"/> when nobody owned the participant any
    /// more (pruned, cleaned up, or lost in an outage), or an older session did, and this write claimed it again; or
    /// <see cref="RosterWrite.TakenOver"/> when another session, not older, owns it (for an exclusive write: any of
    /// its shared sessions), and nothing was written.
    /// </returns>
    ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a participant whose connection ended, if <paramref name="session"/> still owns it or nobody does; a
    /// shared session is removed from the participant's sessions, and the participant with the last of them. A
    /// roster shared by several instances then tells the others (a <c>leave</c>), atomically with the removal: after
    /// everything this instance published for the room before the call, and before anything published after a later
    /// claim of the participant.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="participantId">The participant's id.</param>
    /// <param name="session">The connection's session.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>
    /// <see langword="true"/> when the participant left: the engine then tells its own clients.
    /// <see langword="false"/> when another session owns it (it reconnected, or has another tab): the participant was
    /// not removed, and nothing was announced.
    /// </returns>
    ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default);
}
