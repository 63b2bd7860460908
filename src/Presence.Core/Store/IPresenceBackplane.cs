namespace Presence;

/// <summary>
/// How the events of a room reach the other server instances: one batch per room per tick from each instance, and
/// every other instance's batches in return. A single instance has none.
/// </summary>
/// <remarks>
/// An implementation is a singleton shared by every room of an instance. Local recipients are served by the engine
/// directly and never through the backplane. How a batch is written on the wire (one message or one per event, for
/// older peers) is the backplane's own policy.
/// </remarks>
public interface IPresenceBackplane
{
    /// <summary>
    /// Sends this instance's events of a room to the other instances. Calls for one room take effect in the order they
    /// are made, and the engine never makes two at once for one room; the call itself must not wait for the network.
    /// </summary>
    /// <param name="room">The room.</param>
    /// <param name="batch">The events, oldest first.</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    /// <returns>A task that completes when the batch is handed over.</returns>
    ValueTask PublishAsync(string room, PresenceBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Listens to the room's events published by the other instances until the returned handle is disposed.</summary>
    /// <param name="room">The room.</param>
    /// <param name="onMessage">
    /// Called with each message, one at a time, in the order the other instances published them: a v1 server message or
    /// a v2 frame of them (a JSON array). The bytes come from another process and are untrusted; they are valid only
    /// during the call.
    /// </param>
    /// <param name="cancellationToken">Cancels the subscription.</param>
    /// <returns>A handle whose disposal ends the subscription.</returns>
    ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default);
}
