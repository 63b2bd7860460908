using System.Buffers;
using System.Collections.Immutable;

namespace Presence;

/// <summary>
/// A .NET participant over any transport, such as the client's end of a <see cref="StreamPresenceTransport"/>: it
/// sends <c>hello</c> and <c>cursor</c>, and folds every server frame, v1 or v2, into <see cref="Roster"/>.
/// </summary>
/// <remarks>
/// Call <see cref="RunAsync"/> once to receive; it returns when the server closes the connection. The sends may be
/// called from one thread at a time, concurrently with the receive loop.
/// </remarks>
public sealed class PresenceClient : IAsyncDisposable
{
    private readonly IPresenceTransport _transport;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private ImmutableDictionary<string, PresenceUser> _roster = PresenceReducer.Empty;

    /// <summary>Creates a client over a connected transport.</summary>
    /// <param name="transport">The client's end of the connection.</param>
    public PresenceClient(IPresenceTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
    }

    /// <summary>Raised for each message received, after <see cref="Roster"/> has taken it in, on the receive loop.</summary>
    public event Action<ServerMessage>? MessageReceived;

    /// <summary>Gets everyone in the room, by id, as the received messages describe it.</summary>
    public ImmutableDictionary<string, PresenceUser> Roster => Volatile.Read(ref _roster);

    /// <summary>Gets the id the server gave this client, once the snapshot has arrived.</summary>
    public string? SelfId { get; private set; }

    /// <summary>Sets this participant's name and colour.</summary>
    /// <param name="name">The name.</param>
    /// <param name="color">The colour, <c>#rrggbb</c>.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    public Task SendHelloAsync(string name, string color, CancellationToken cancellationToken = default) =>
        SendAsync(ClientMessage.Hello(name, color), cancellationToken);

    /// <summary>Moves this participant's cursor, in coordinates normalised to [0, 1].</summary>
    /// <param name="x">The horizontal position.</param>
    /// <param name="y">The vertical position.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    public Task SendCursorAsync(double x, double y, CancellationToken cancellationToken = default) =>
        SendAsync(ClientMessage.Cursor(x, y), cancellationToken);

    /// <summary>
    /// Sets keys of this participant's state (<see cref="PresenceUser.State"/>): each top-level key of
    /// <paramref name="update"/> replaces the one of that name, and a <see langword="null"/> value removes it.
    /// </summary>
    /// <param name="update">The keys to set.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    public Task SetStateAsync(PresenceState update, CancellationToken cancellationToken = default) =>
        SendAsync(ClientMessage.SetState(update), cancellationToken);

    /// <summary>Replaces this participant's whole state; an empty one clears it.</summary>
    /// <param name="state">The new state.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes when the message is sent.</returns>
    public Task ReplaceStateAsync(PresenceState state, CancellationToken cancellationToken = default) =>
        SendAsync(ClientMessage.ReplaceState(state), cancellationToken);

    /// <summary>Receives until the server closes the connection. Frames that are not server frames are skipped.</summary>
    /// <param name="cancellationToken">Stops receiving.</param>
    /// <returns>A task that completes when the connection is over.</returns>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var frame = await _transport.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (frame.Type is TransportMessageType.Closed or TransportMessageType.TooLarge)
            {
                return;
            }

            if (frame.Type != TransportMessageType.Text
                || !PresenceProtocol.TryParseServerFrame(frame.Payload.ToArray(), out var messages))
            {
                continue;
            }

            foreach (var message in messages)
            {
                if (message is SnapshotMessage snapshot)
                {
                    SelfId = snapshot.SelfId;
                }

                Volatile.Write(ref _roster, PresenceReducer.Reduce(Roster, message, SelfId ?? string.Empty));
                MessageReceived?.Invoke(message);
            }
        }
    }

    /// <summary>Closes the connection.</summary>
    /// <returns>A task that completes when the close is sent.</returns>
    public async ValueTask DisposeAsync()
    {
        await _transport.CloseAsync(PresenceCloseStatus.NormalClosure).ConfigureAwait(false);
        _sendGate.Dispose();
    }

    private async Task SendAsync(ClientMessage message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        PresenceProtocol.WriteClientMessage(message, buffer);
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.SendAsync(new PresenceFrame(buffer.WrittenMemory), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendGate.Release();
        }
    }
}
