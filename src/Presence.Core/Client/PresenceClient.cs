using System.Buffers;
using System.Collections.Immutable;
using System.Net.WebSockets;
using Presence.Internal;

namespace Presence;

/// <summary>
/// A .NET participant: over a WebSocket to any Presence server (<see cref="ConnectAsync"/>), or over any transport,
/// such as the client's end of a <see cref="StreamPresenceTransport"/>. It sends <c>hello</c>, <c>cursor</c> and
/// state, and folds every server frame, v1 or v2, into <see cref="Roster"/>.
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

    /// <summary>
    /// Connects to a presence endpoint, such as <c>wss://example.com/ws</c>, over a plain <see cref="ClientWebSocket"/>:
    /// it needs nothing of ASP.NET Core. Then call <see cref="RunAsync"/> to receive.
    /// </summary>
    /// <param name="endpoint">The endpoint's address; <c>http</c> and <c>https</c> stand for <c>ws</c> and <c>wss</c>.</param>
    /// <param name="options">The room, the identity asked for, the protocol; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <returns>A connected client.</returns>
    /// <exception cref="WebSocketException">The server refused the upgrade (400, 403, 429) or could not be reached.</exception>
    public static async Task<PresenceClient> ConnectAsync(Uri endpoint, PresenceClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new PresenceClientOptions();
        var socket = new ClientWebSocket();
        try
        {
            if (options.Version == PresenceProtocolVersion.V2)
            {
                socket.Options.AddSubProtocol(PresenceProtocol.V2SubProtocol);
            }

            options.ConfigureWebSocket?.Invoke(socket.Options);
            await socket.ConnectAsync(Address(endpoint, options), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new PresenceClient(new ClientWebSocketTransport(socket, options.MaximumMessageSize));
    }

    // The seed's query: id, name, colour, room, and the resume token, each only when given.
    private static Uri Address(Uri endpoint, PresenceClientOptions options)
    {
        var query = string.Join('&', new[] { ("id", options.Id), ("name", options.Name), ("color", options.Color), ("room", options.Room), ("resume", options.ResumeToken) }
            .Where(static p => p.Item2 is not null)
            .Select(static p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        var scheme = endpoint.Scheme switch
        {
            "http" or "ws" => "ws",
            "https" or "wss" => "wss",
            _ => throw new ArgumentException("A presence endpoint is a ws, wss, http or https address.", nameof(endpoint)),
        };
        var existing = endpoint.Query.TrimStart('?');
        return new UriBuilder(endpoint) { Scheme = scheme, Query = existing.Length == 0 ? query : query.Length == 0 ? existing : existing + "&" + query }.Uri;
    }

    /// <summary>Raised for each message received, after <see cref="Roster"/> has taken it in, on the receive loop.</summary>
    public event Action<ServerMessage>? MessageReceived;

    /// <summary>Gets everyone in the room, by id, as the received messages describe it.</summary>
    public ImmutableDictionary<string, PresenceUser> Roster => Volatile.Read(ref _roster);

    /// <summary>Gets the id the server gave this client, once the snapshot has arrived.</summary>
    public string? SelfId { get; private set; }

    /// <summary>
    /// Gets the resume token of the last snapshot: a reconnect passes it (<see cref="PresenceClientOptions.ResumeToken"/>)
    /// to be this participant again while the old connection is still live.
    /// </summary>
    public string? ResumeToken { get; private set; }

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
                    ResumeToken = snapshot.ResumeToken ?? ResumeToken;
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
        (_transport as IDisposable)?.Dispose();
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
