using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore;

/// <summary>
/// The presence transport over an accepted <see cref="WebSocket"/>: one protocol message per text message.
/// Binary messages are reported and ignored; a message longer than the limit is reported as too large.
/// </summary>
/// <remarks>
/// Over a socket that <c>MapPresence</c> accepted, a frame is framed, and deflated when the client agreed to
/// permessage-deflate, once for all the connections that send it (<see cref="PresenceFrame.GetEncoded"/>), and written
/// under the socket as it is. Over a socket accepted elsewhere, each message goes through
/// <see cref="WebSocket.SendAsync(ReadOnlyMemory{byte}, WebSocketMessageType, bool, CancellationToken)"/>.
/// </remarks>
public sealed class WebSocketPresenceTransport : IPresenceTransport, IDisposable
{
    private const int InitialBufferSize = 1024;

    private readonly WebSocket _socket;
    private readonly WebSocketConnectionStream? _connection;
    private readonly WebSocketFrameEncoder _encoder = WebSocketFrameEncoder.Plain;
    private readonly int _maximumMessageSize;
    private readonly TimeSpan _incompleteMessageTimeout = Timeout.InfiniteTimeSpan;
    private byte[] _buffer;

    /// <summary>Creates a transport over an open WebSocket.</summary>
    /// <param name="socket">The socket; the transport closes it but does not dispose it.</param>
    /// <param name="maximumMessageSize">The longest message accepted, in bytes.</param>
    public WebSocketPresenceTransport(WebSocket socket, int maximumMessageSize)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumMessageSize, 1);
        _socket = socket;
        _maximumMessageSize = maximumMessageSize;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferSize, maximumMessageSize));
    }

    internal WebSocketPresenceTransport(AcceptedWebSocket accepted, int maximumMessageSize, TimeSpan incompleteMessageTimeout)
        : this(accepted.Socket, maximumMessageSize)
    {
        _incompleteMessageTimeout = incompleteMessageTimeout;
        _connection = accepted.Connection;
        _encoder = accepted.Deflate ? WebSocketFrameEncoder.Deflated : WebSocketFrameEncoder.Plain;
    }

    /// <inheritdoc />
    // Called once per message for the connection's whole life: its state machine comes from a pool.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var length = 0;
        CancellationTokenSource? stalled = null;
        try
        {
            // Each pass reads more of one message: bounded by the size limit (TooLarge), and in time by the
            // incomplete-message deadline.
            while (true)
            {
                if (length == _buffer.Length)
                {
                    if (length >= _maximumMessageSize)
                    {
                        // One byte past the limit is enough to know; the rest of the message is never read.
                        return new TransportMessage(TransportMessageType.TooLarge, default);
                    }

                    Grow(length);
                }

                // Reading up to one byte past the limit tells a message of exactly the limit from a longer one.
                var room = Math.Min(_buffer.Length, _maximumMessageSize + 1) - length;
                ValueWebSocketReceiveResult result;
                try
                {
                    result = await _socket.ReceiveAsync(_buffer.AsMemory(length, room), stalled?.Token ?? cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                {
                    // A message stalled past its deadline aborted the socket, as a cancelled receive does.
                    return TransportMessage.Closed;
                }

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return TransportMessage.Closed;
                }

                length += result.Count;
                if (length > _maximumMessageSize)
                {
                    return new TransportMessage(TransportMessageType.TooLarge, default);
                }

                if (!result.EndOfMessage)
                {
                    // The rest of a message has a deadline from its first part: a peer that stalls mid-message, or
                    // trickles it a byte at a time, holds the connection that long and no longer.
                    if (stalled is null && _incompleteMessageTimeout != Timeout.InfiniteTimeSpan)
                    {
                        stalled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                        stalled.CancelAfter(_incompleteMessageTimeout);
                    }

                    continue;
                }

                return result.MessageType == WebSocketMessageType.Binary
                    ? new TransportMessage(TransportMessageType.Binary, default)
                    : new TransportMessage(TransportMessageType.Text, new ReadOnlySequence<byte>(_buffer, 0, length));
            }
        }
        finally
        {
            stalled?.Dispose();
        }
    }

    /// <inheritdoc />
    public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_connection is null)
        {
            return _socket.SendAsync(frame.Payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }

        if (_socket.State is WebSocketState.CloseSent or WebSocketState.Closed)
        {
            // Nothing may follow a close frame (RFC 6455 section 5.5.1).
            return default;
        }

        return _connection.WriteAsync(frame.GetEncoded(_encoder), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default)
    {
        // The client's answer must not wait for a tick.
        _connection?.StopWaitingForTicks();
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync((WebSocketCloseStatus)status, Describe(status), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Abort() => _socket.Abort();

    /// <summary>Returns the receive buffer to the pool. Call it only after the connection is over.</summary>
    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int length)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, _maximumMessageSize + 1));
        _buffer.AsSpan(0, length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private static string Describe(PresenceCloseStatus status) => status switch
    {
        PresenceCloseStatus.NormalClosure => "closed",
        PresenceCloseStatus.GoingAway => "server shutting down",
        PresenceCloseStatus.PolicyViolation => "policy violation",
        PresenceCloseStatus.MessageTooBig => "message too big",
        PresenceCloseStatus.Replaced => "replaced by a newer connection",
        PresenceCloseStatus.ServerFull => "SERVER_FULL",
        PresenceCloseStatus.RoomFull => "ROOM_FULL",
        _ => "server error",
    };
}
