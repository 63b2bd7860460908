namespace Presence;

/// <summary>
/// The rooms as application code sees them, on every instance: who is where, and what the server may do to them. The
/// counterpart of SignalR's <c>IHubContext</c>, with the roster. Inject it; <c>AddPresence</c> registers it.
/// </summary>
/// <remarks>
/// With a shared roster (Redis), reads cover every instance, and kicks, info and events reach members wherever they are
/// connected: an instance tells the others through the room's channel, in a message no client ever receives. Rooms
/// and ids are cleaned by <see cref="PresenceRules"/> first; one that is not valid names no room or participant.
/// </remarks>
public interface IPresenceRooms
{
    /// <summary>Lists the rooms that have participants now, with how many each has.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rooms, in no particular order.</returns>
    ValueTask<IReadOnlyList<PresenceRoomSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the participants of a room, with their state and info.</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The participants; none when the room is empty or its name is not valid.</returns>
    ValueTask<IReadOnlyList<PresenceUser>> GetParticipantsAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a participant from a room: each of its connections is closed with
    /// <see cref="PresenceCloseStatus.Kicked"/> (4004), and everyone in the room gets its <c>leave</c>. Keeping it out
    /// afterwards is a join hook's decision.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="participantId">The participant.</param>
    /// <param name="cancellationToken">Cancels the kick.</param>
    /// <returns><see langword="true"/> when the room had the participant.</returns>
    ValueTask<bool> KickAsync(string room, string participantId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an application event to everyone in a room, <c>{"type":"event","name","data"}</c>. It changes no roster,
    /// and is delivered in order with the room's other messages.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="name">What kind of event it is: 1 to 64 characters of <c>[A-Za-z0-9_-]</c>.</param>
    /// <param name="data">Its payload.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the event is handed to the room's members here and to the other instances.</returns>
    /// <exception cref="ArgumentException">The name is not valid.</exception>
    ValueTask SendAsync(string room, string name, PresenceState data, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sets what the server says of a connected participant (<see cref="PresenceUser.Info"/>), which its client cannot
    /// change, and tells the room. It lasts for the participant's current connections; a join hook sets it for every
    /// join (<c>PresenceJoinContext.Info</c>).
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="participantId">The participant.</param>
    /// <param name="info">The new info; <see langword="null"/> or empty removes it.</param>
    /// <param name="cancellationToken">Cancels the change.</param>
    /// <returns><see langword="true"/> when the room had the participant.</returns>
    ValueTask<bool> SetInfoAsync(string room, string participantId, PresenceState? info, CancellationToken cancellationToken = default);
}
