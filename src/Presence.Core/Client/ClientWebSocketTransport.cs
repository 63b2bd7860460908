using System.Buffers;
using System.Net.WebSockets;

namespace Presence.Internal;

/// <summary>
/// The client's end of a presence WebSocket, as <see cref="PresenceClient"/> reads and writes it: whole text messages
/// in, one text message per frame out. Plain <see cref="ClientWebSocket"/>, so that a client needs nothing of ASP.NET Core.
/// </summary>
internal sealed class ClientWebSocketTransport(ClientWebSocket socket, int maximumMessageSize) : IPresenceTransport, IDisposable
{
    private byte[] _buffer = new byte[Math.Min(4096, maximumMessageSize)];

    public async ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var length = 0;

        // Each pass awaits the socket, and the buffer grows only up to the message limit: past it, TooLarge.
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (length >= maximumMessageSize)
                {
                    return new TransportMessage(TransportMessageType.TooLarge, default);
                }

                Array.Resize(ref _buffer, (int)Math.Min((long)_buffer.Length * 2, maximumMessageSize));
            }

            ValueWebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The connection broke: over, as a close is.
                return TransportMessage.Closed;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return TransportMessage.Closed;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return result.MessageType == WebSocketMessageType.Text
                    ? new TransportMessage(TransportMessageType.Text, new ReadOnlySequence<byte>(_buffer, 0, length))
                    : new TransportMessage(TransportMessageType.Binary, default);
            }
        }
    }

    public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default) =>
        socket.SendAsync(frame.Payload, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    public async ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseAsync((WebSocketCloseStatus)status, null, cancellationToken).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // Gone already: nothing left to close.
            }
        }
    }

    public void Abort() => socket.Abort();

    public void Dispose() => socket.Dispose();
}
