using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Presence.Internal;

namespace Presence;

/// <summary>
/// Runs presence for any transport: it joins each connection to its room, answers with a snapshot, relays
/// <c>hello</c> and <c>cursor</c> to the room, and announces departures, exactly as the seed's WebSocket
/// endpoint does, with its holes closed (see <c>docs/protocol.md</c>).
/// </summary>
/// <remarks>
/// One engine serves every connection of a server instance. Each broadcast is encoded once and the same bytes
/// are handed to every local recipient through its bounded outbox; other instances hear of it through
/// <see cref="IPresenceStore.PublishAsync"/>.
/// </remarks>
public sealed partial class PresenceEngine : IAsyncDisposable
{
    private readonly IPresenceStore _store;
    private readonly PresenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PresenceMetrics _metrics;
    private readonly ConcurrentDictionary<string, PresenceRoom> _rooms = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _departures = new(StringComparer.Ordinal);
    private int _connectionCount;

    /// <summary>Creates an engine.</summary>
    /// <param name="store">Where rosters live and how other instances hear of events.</param>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock of <c>updatedAt</c>, timeouts and throttles.</param>
    /// <param name="logger">The log.</param>
    /// <param name="meterFactory">Where the <c>Presence</c> meter comes from; <see langword="null"/> for a meter of its own.</param>
    public PresenceEngine(
        IPresenceStore store,
        IOptions<PresenceOptions> options,
        TimeProvider timeProvider,
        ILogger<PresenceEngine>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new PresenceMetrics(meterFactory);
    }

    /// <summary>Gets the number of open connections on this instance.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Gets the label of the store, such as <c>memory</c>, as clients see it in <c>snapshot.stateStore</c>.</summary>
    public string StoreLabel => _store.Label;

    /// <summary>
    /// Serves one connection until it ends: joins it, answers with a snapshot, handles its messages, and
    /// announces its departure. Never throws for anything the client does.
    /// </summary>
    /// <param name="transport">The connection.</param>
    /// <param name="request">What the client asked for when it connected.</param>
    /// <param name="cancellationToken">When cancelled, the connection is closed gracefully with <see cref="PresenceCloseStatus.GoingAway"/>.</param>
    /// <returns>A task that completes when the connection is over and its departure announced.</returns>
    public async Task RunAsync(IPresenceTransport transport, PresenceJoinRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(request);

        if (!PresenceRules.TryCleanRoom(request.Room, out var roomName))
        {
            Log.InvalidRoom(_logger);
            await CloseQuietlyAsync(transport, PresenceCloseStatus.PolicyViolation).ConfigureAwait(false);
            return;
        }

        var connection = CreateConnection(transport, request, roomName);
        Interlocked.Increment(ref _connectionCount);
        _metrics.ConnectionOpened();
        EnsureMaintenanceStarted();
        try
        {
            await using (cancellationToken.UnsafeRegister(static state => ((PresenceConnection)state!).BeginClose(PresenceCloseStatus.GoingAway), connection))
            {
                await JoinAsync(connection).ConfigureAwait(false);
                Log.Joined(_logger, connection.Id, roomName);
                await ReceiveAsync(connection).ConfigureAwait(false);
            }
        }
        finally
        {
            await LeaveAsync(connection).ConfigureAwait(false);
            await FinishAsync(connection).ConfigureAwait(false);
            Interlocked.Decrement(ref _connectionCount);
            _metrics.ConnectionClosed();
            Log.Left(_logger, connection.Id, roomName, connection.CloseStatus ?? PresenceCloseStatus.NormalClosure);
        }
    }

    /// <summary>Stops the background work: throttled persistence and refreshes.</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await StopMaintenanceAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private PresenceUser CreateUser(PresenceJoinRequest request)
    {
        var id = PresenceRules.TryCleanId(request.Id, out var cleaned) ? cleaned : PresenceRules.NewId();
        return new PresenceUser(
            id,
            PresenceRules.CleanName(request.Name, PresenceRules.DefaultName),
            PresenceRules.CleanColor(request.Color, PresenceRules.DefaultColor),
            0.5,
            0.5,
            Now());
    }

    private double Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    internal PresenceConnection CreateConnection(IPresenceTransport transport, PresenceJoinRequest request, string room) =>
        new(this, transport, CreateUser(request), room, request.Version, _options, _timeProvider, _metrics);

    internal async Task JoinAsync(PresenceConnection connection)
    {
        PresenceRoom room;
        PresenceConnection? replaced;
        do
        {
            room = _rooms.GetOrAdd(connection.RoomName, static name => new PresenceRoom(name));
        }
        while (!room.TryAdd(connection, out replaced));

        connection.Room = room;
        connection.IsMember = true;
        if (replaced is not null)
        {
            // The newest connection wins: the old one is closed, and its late departure announces nothing.
            Log.Replaced(_logger, connection.Id, room.Name);
            replaced.MarkReplaced();
        }

        // A departure of the same id still being announced must land before this arrival, or it would undo it.
        if (_departures.TryGetValue(DepartureKey(room.Name, connection.Id), out var departure))
        {
            await departure.ConfigureAwait(false);
        }

        await EnsureSubscribedAsync(room).ConfigureAwait(false);
        await UpsertAsync(room.Name, connection.User).ConfigureAwait(false);
        var users = await SnapshotAsync(room).ConfigureAwait(false);

        // Broadcasts that reached this connection while it joined wait behind the snapshot.
        connection.Outbox.Start(new OutboundFrame(SnapshotFrame(connection, users)));

        var presence = FrameEncoder.Presence(connection.Text, connection.User);
        await AnnounceAsync(room, presence, connection.Id, isCursor: false, skip: connection).ConfigureAwait(false);
    }

    private async Task ReceiveAsync(PresenceConnection connection)
    {
        while (true)
        {
            TransportMessage message;
            try
            {
                message = await connection.Transport.ReceiveAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.ReceiveFailed(_logger, connection.Id, ex);
                return;
            }

            switch (message.Type)
            {
                case TransportMessageType.Text:
                    _metrics.MessageReceived();
                    if (!PresenceProtocol.TryParseClientMessage(message.Payload, out var parsed))
                    {
                        _metrics.MessageIgnored();
                        Log.MessageIgnored(_logger, connection.Id);
                    }
                    else if (connection.IsMember)
                    {
                        await HandleAsync(connection, parsed).ConfigureAwait(false);
                    }

                    break;
                case TransportMessageType.Binary:
                    _metrics.MessageReceived();
                    _metrics.MessageIgnored();
                    Log.MessageIgnored(_logger, connection.Id);
                    break;
                case TransportMessageType.TooLarge:
                    Log.MessageTooBig(_logger, connection.Id, _options.MaximumMessageSize);
                    connection.BeginClose(PresenceCloseStatus.MessageTooBig);
                    return;
                default:
                    return;
            }
        }
    }

    // Internal for the broadcast benchmark, which drives the hot path exactly as a received message does.
    internal async ValueTask HandleAsync(PresenceConnection connection, ClientMessage message)
    {
        var room = connection.Room!;
        var current = connection.User;
        if (message.Type == ClientMessageType.Hello)
        {
            var name = PresenceRules.CleanName(message.Name, current.Name);
            var color = PresenceRules.CleanColor(message.Color, current.Color);
            var user = current with { Name = name, Color = color, UpdatedAt = Now() };
            connection.Update(user, textChanged: name != current.Name || color != current.Color);
            await UpsertAsync(room.Name, user).ConfigureAwait(false);

            var presence = FrameEncoder.Presence(connection.Text, user);
            await AnnounceAsync(room, presence, connection.Id, isCursor: false, skip: null).ConfigureAwait(false);
        }
        else
        {
            var user = current with
            {
                X = PresenceRules.ClampCoordinate(message.X, current.X),
                Y = PresenceRules.ClampCoordinate(message.Y, current.Y),
                UpdatedAt = Now(),
            };
            connection.Update(user, textChanged: false);

            var cursor = FrameEncoder.Cursor(connection.Text, user);
            await AnnounceAsync(room, cursor, connection.Id, isCursor: true, skip: connection).ConfigureAwait(false);
            SchedulePersistence(connection);
        }
    }

    private async Task LeaveAsync(PresenceConnection connection)
    {
        if (connection.Room is not { } room)
        {
            return;
        }

        var key = DepartureKey(room.Name, connection.Id);
        var departure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _departures[key] = departure.Task;
        try
        {
            if (!room.TryRemove(connection, out var retired))
            {
                return;
            }

            connection.IsMember = false;
            if (!await RemoveAsync(room.Name, connection.Id).ConfigureAwait(false))
            {
                // The participant reconnected to another instance, which announced it there: nothing left.
                return;
            }

            var leave = FrameEncoder.Message(new LeaveMessage(connection.Id));
            await AnnounceAsync(room, leave, connection.Id, isCursor: false, skip: null).ConfigureAwait(false);

            if (retired)
            {
                // The ticks only visit live rooms: the last events of this one, its leave among them, go out now.
                _rooms.TryRemove(new KeyValuePair<string, PresenceRoom>(room.Name, room));
                await FlushAsync(room).ConfigureAwait(false);
                await UnsubscribeAsync(room).ConfigureAwait(false);
            }
        }
        finally
        {
            _departures.TryRemove(new KeyValuePair<string, Task>(key, departure.Task));
            departure.TrySetResult();
        }
    }

    private static async Task FinishAsync(PresenceConnection connection)
    {
        connection.BeginClose(connection.CloseStatus ?? PresenceCloseStatus.NormalClosure);
        await connection.Closing.ConfigureAwait(false);
        if (connection.CloseStatus == PresenceCloseStatus.MessageTooBig)
        {
            await DrainAsync(connection).ConfigureAwait(false);
        }

        connection.Dispose();
    }

    // The receive loop stopped at a message too big, its leave is announced and the close sent. What the client sends
    // until it answers the close (the rest of that message, anything else) is read and dropped, so that the connection
    // ends with the handshake rather than with unread bytes, which the client would see as a reset. The close timeout
    // bounds how long: it aborts the transport, which ends the receive.
    private static async Task DrainAsync(PresenceConnection connection)
    {
        try
        {
            while ((await connection.Transport.ReceiveAsync().ConfigureAwait(false)).Type != TransportMessageType.Closed)
            {
            }
        }
        catch (Exception)
        {
            // Aborted or broken: the connection is over either way.
        }
    }

    // Started once per connection by PresenceConnection.BeginClose.
    internal async Task CloseConnectionAsync(PresenceConnection connection, PresenceCloseStatus status)
    {
        try
        {
            // A send in flight must finish before the close frame; a stuck one is aborted by the send timeout.
            await connection.Outbox.CompleteAsync().WaitAsync(_options.SendTimeout + _options.CloseTimeout, _timeProvider).ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(_options.CloseTimeout, _timeProvider);
            await connection.Transport.CloseAsync(status, timeout.Token).ConfigureAwait(false);
            connection.AbortAfter(_options.CloseTimeout);
        }
        catch (Exception ex)
        {
            Log.CloseFailed(_logger, connection.Id, ex);
            connection.Abort();
        }
    }

    internal void OnOutboxFailure(PresenceConnection connection, OutboxFailure failure, Exception? exception)
    {
        if (failure == OutboxFailure.SendFailed)
        {
            Log.SendFailed(_logger, connection.Id, exception);
            return;
        }

        _metrics.SlowConsumer();
        Log.SlowConsumer(_logger, connection.Id, failure);
    }

    private static async Task CloseQuietlyAsync(IPresenceTransport transport, PresenceCloseStatus status)
    {
        try
        {
            await transport.CloseAsync(status).ConfigureAwait(false);
        }
        catch (Exception)
        {
            transport.Abort();
        }
    }

    private static string DepartureKey(string room, string id) => string.Concat(room, "\n", id);
}
