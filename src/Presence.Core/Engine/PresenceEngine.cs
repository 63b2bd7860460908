using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Presence.Internal;

namespace Presence;

/// <summary>
/// Runs presence for any transport: it joins each connection to its room, answers with a snapshot, relays
/// <c>hello</c> and <c>cursor</c> to the room, and announces departures, exactly as the seed's WebSocket
/// endpoint does, with its holes closed (see <c>docs/protocol.md</c> and <c>docs/architecture.md</c>).
/// </summary>
/// <remarks>
/// One engine serves every connection of a server instance. Each broadcast is encoded once and the same frame is
/// handed to every local recipient through its bounded outbox. Rosters live in an <see cref="IPresenceRoster"/>;
/// other instances hear of local events through an <see cref="IPresenceBackplane"/>, when there is one.
/// </remarks>
public sealed partial class PresenceEngine : IAsyncDisposable
{
    private readonly IPresenceRoster _roster;
    private readonly IPresenceBackplane? _backplane;
    private readonly IPresenceStoreHealth? _storeHealth;
    private readonly IPresenceTickListener[] _tickListeners;
    private readonly PresenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly PresenceMetrics _metrics;
    private readonly RoomDirectory _rooms;
    private readonly Departures _departures = new();
    private readonly MemoryTrim _memoryTrim;
    private readonly ResumeTokens _resumeTokens;

    // Sessions tell this engine's claims from every other's, in one process or many.
    private readonly string _sessionPrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + "-";
    private long _sessions;
    private int _connectionCount;

    /// <summary>Creates an engine.</summary>
    /// <param name="roster">Where rosters live and who owns each participant.</param>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock of <c>updatedAt</c>, ticks, timeouts and throttles.</param>
    /// <param name="backplane">How other instances hear of this one's events; <see langword="null"/> for a single instance.</param>
    /// <param name="tickListeners">What runs at the start of every tick, such as a transport that reads its clients then.</param>
    /// <param name="logger">The log.</param>
    /// <param name="meterFactory">Where the <c>Presence</c> meter comes from; <see langword="null"/> for a meter of its own.</param>
    public PresenceEngine(
        IPresenceRoster roster,
        IOptions<PresenceOptions> options,
        TimeProvider timeProvider,
        IPresenceBackplane? backplane = null,
        IEnumerable<IPresenceTickListener>? tickListeners = null,
        ILogger<PresenceEngine>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _roster = roster;
        _backplane = backplane;
        _storeHealth = roster as IPresenceStoreHealth ?? backplane as IPresenceStoreHealth;
        _tickListeners = [.. tickListeners ?? []];
        _options = options.Value;
        _rooms = new RoomDirectory(_options.MaxRooms, _options.MaxParticipantsPerRoom, _options.MaxConnectionsPerParticipant);
        _resumeTokens = new ResumeTokens(FixedSecret.From(_options.ResumeSecret) ?? roster as IPresenceSharedSecret, timeProvider);
        _memoryTrim = new MemoryTrim(_options.TrimMemoryAfterDepartures, timeProvider);
        _timeProvider = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = new PresenceMetrics(meterFactory, roster.Label, () => _rooms.Count);
    }

    /// <summary>Gets the number of open connections on this instance.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>Gets the label of the roster, such as <c>memory</c>, as clients see it in <c>snapshot.stateStore</c>.</summary>
    public string StoreLabel => _roster.Label;

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

        var key = await _resumeTokens.GetKeyAsync(JoinStoreWait).ConfigureAwait(false);
        request = await AdmitIdentityAsync(request, roomName, key).ConfigureAwait(false);
        var connection = CreateConnection(transport, request, roomName);
        Interlocked.Increment(ref _connectionCount);
        _metrics.ConnectionOpened(connection.Version);
        EnsureLoopsStarted();
        try
        {
            await using (cancellationToken.UnsafeRegister(static state => ((PresenceConnection)state!).BeginClose(PresenceCloseStatus.GoingAway), connection))
            {
                if (await JoinAsync(connection).ConfigureAwait(false))
                {
                    Log.Joined(_logger, connection.Id, roomName);
                    await ReceiveAsync(connection).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await LeaveAsync(connection).ConfigureAwait(false);
            await FinishAsync(connection).ConfigureAwait(false);
            Interlocked.Decrement(ref _connectionCount);
            _metrics.ConnectionClosed(connection.Version, connection.CloseStatus ?? PresenceCloseStatus.NormalClosure);
            Log.Left(_logger, connection.Id, roomName, connection.CloseStatus ?? PresenceCloseStatus.NormalClosure);
        }
    }

    /// <summary>Stops the background work: ticks, throttled persistence and refreshes. Later calls do nothing.</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        // The container disposes the engine once as itself and once as each service it is registered as.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Departures in their grace period end now: nobody would complete them once the engine is gone.
        await CompleteLingeringAsync(all: true).ConfigureAwait(false);
        await StopLoopsAsync().ConfigureAwait(false);
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
            Now())
        {
            Info = request.Info is { IsEmpty: false } info ? info : null,
        };
    }

    private double Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    internal PresenceConnection CreateConnection(IPresenceTransport transport, PresenceJoinRequest request, string room) =>
        new(this, transport, CreateUser(request), room, NewSession(), request.Version, _options, _timeProvider, _metrics)
        {
            IsAuthenticated = request.IsAuthenticated,
            SessionMode = request.IsAuthenticated && _options.MaxConnectionsPerParticipant > 1 ? RosterSessionMode.Shared : RosterSessionMode.Exclusive,
        };

    private string NewSession() => RosterSessions.Create(
        _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
        string.Concat(_sessionPrefix, Interlocked.Increment(ref _sessions).ToString("x", System.Globalization.CultureInfo.InvariantCulture)));

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

    internal void OnAbortFailed(PresenceConnection connection, Exception exception) => Log.AbortFailed(_logger, connection.Id, exception);

    private static async Task CloseQuietlyAsync(IPresenceTransport transport, PresenceCloseStatus status)
    {
        try
        {
            await transport.CloseAsync(status).ConfigureAwait(false);
        }
        catch (Exception)
        {
            try
            {
                transport.Abort();
            }
            catch (Exception)
            {
                // Torn down already.
            }
        }
    }
}
