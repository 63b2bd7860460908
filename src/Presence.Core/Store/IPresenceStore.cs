namespace Presence;

/// <summary>
/// Where a room's roster lives and how its events reach the other server instances: the seed's store
/// contract (snapshot, upsert, remove, publish, listen) with a room on every call.
/// </summary>
/// <remarks>
/// An implementation is a singleton shared by every connection of one server instance, so each method must be
/// safe to call concurrently. Rooms are already cleaned by <see cref="PresenceRules.TryCleanRoom"/>.
/// </remarks>
public interface IPresenceStore
{
    /// <summary>Gets the label reported to clients in <c>snapshot.stateStore</c> and in health checks, such as <c>memory</c>.</summary>
    string Label { get; }

    /// <summary>Reads the room's roster, leaving out participants that went stale.</summary>
    /// <param name="room">The room.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Every participant of the room, on every instance.</returns>
    ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a participant's state and marks it alive now. Staleness counts from the last upsert, not from
    /// <see cref="PresenceUser.UpdatedAt"/>, so that the engine can keep an idle but connected participant alive.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="user">The participant as it is now.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the write is done.</returns>
    ValueTask UpsertAsync(string room, PresenceUser user, CancellationToken cancellationToken = default);

    /// <summary>Removes a participant that this instance served from the room.</summary>
    /// <param name="room">The room.</param>
    /// <param name="id">The participant's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>
    /// <see langword="false"/> when another instance has meanwhile taken the participant over (it reconnected
    /// there), so that its departure from this instance must not be announced; otherwise <see langword="true"/>.
    /// </returns>
    ValueTask<bool> RemoveAsync(string room, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends an encoded v1 server message to the listeners of the room on the <em>other</em> server instances.
    /// Local recipients are served by the engine directly and never through the store.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="message">One encoded server message, as <see cref="PresenceProtocol.WriteServerMessage(ServerMessage, System.Buffers.IBufferWriter{byte})"/> writes it.</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    /// <returns>A task that completes when the message is handed over.</returns>
    ValueTask PublishAsync(string room, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Listens to the room's messages published by other instances until the returned handle is disposed.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="onMessage">
    /// Called with each encoded server message, one at a time. The bytes come from another process and are
    /// untrusted; they are valid only during the call.
    /// </param>
    /// <param name="cancellationToken">Cancels the subscription.</param>
    /// <returns>A handle whose disposal ends the subscription.</returns>
    ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default);
}
