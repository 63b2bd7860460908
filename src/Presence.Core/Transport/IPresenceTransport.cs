namespace Presence;

/// <summary>
/// A message-oriented connection to one client: what the engine needs from WebSockets, pipes or anything else.
/// </summary>
/// <remarks>
/// The engine calls <see cref="ReceiveAsync"/> from one loop, and <see cref="SendAsync"/> and
/// <see cref="CloseAsync"/> from one writer at a time; a receive and a send may run concurrently.
/// <see cref="Abort"/> may be called from any thread at any time.
/// </remarks>
public interface IPresenceTransport
{
    /// <summary>Receives the next whole message.</summary>
    /// <param name="cancellationToken">Cancels the receive, which may tear the connection down.</param>
    /// <returns>The message; its payload stays valid until the next call.</returns>
    ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Sends one whole message.</summary>
    /// <param name="frame">
    /// The message. A broadcast hands the same frame to every recipient: encode it with
    /// <see cref="PresenceFrame.GetEncoded"/> to do the work once for all of them, and never change its bytes.
    /// </param>
    /// <param name="cancellationToken">Cancels the send, which may tear the connection down.</param>
    /// <returns>
    /// A task that completes when the transport has taken the message. It must not block its caller: a broadcast
    /// sends from the engine's shared threads.
    /// </returns>
    ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a graceful close with <paramref name="status"/>, or completes one the peer started. After it,
    /// <see cref="ReceiveAsync"/> returns <see cref="TransportMessageType.Closed"/> once the peer has answered.
    /// </summary>
    /// <param name="status">Why the connection closes.</param>
    /// <param name="cancellationToken">Gives up on the close.</param>
    /// <returns>A task that completes when the close has been sent.</returns>
    ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default);

    /// <summary>Tears the connection down at once, without a close handshake. Pending calls end.</summary>
    void Abort();
}
