using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// The instance's one connection to Redis, shared by the roster, the backplane and the maintenance, so that what they
/// send for a room travels in order: its owner, its availability, and the key layout it settles on once connected.
/// </summary>
/// <remarks>
/// Nothing here waits for Redis on a caller's path: <see cref="TryGetReady"/> answers at once, and while Redis is
/// unreachable the callers skip their work (the store is degraded, not failing). The outage is logged once.
/// </remarks>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private RedisKeys? _keys;
    private int _unavailable;
    private long _outages;
    private long _announcedAfter;
    private volatile bool _announced;
    private int _disposed;
    private long _lastMalformedWarning;

    public RedisConnection(IOptions<RedisPresenceOptions> options, TimeProvider timeProvider, ILogger<RedisConnection> logger)
    {
        Options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        EnvelopePrefix = RedisEnvelope.Prefix(InstanceId);
        _connection = new Lazy<Task<IConnectionMultiplexer>>(ConnectAsync);
    }

    /// <summary>Gets this instance's id: the <c>origin</c> of what it publishes, and the first part of its owner entries.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public RedisPresenceOptions Options { get; }

    /// <summary>Gets the start of every envelope this instance publishes.</summary>
    public byte[] EnvelopePrefix { get; }

    /// <summary>
    /// Gets a value telling whether Redis is reachable now, for commands and for subscriptions, and the key layout is
    /// known. The two connections reconnect on their own after a failure: until both have, what other instances publish
    /// may not reach this one, so the engine does not take the outage for over.
    /// </summary>
    public bool IsAvailable => TryGetReady(out var connection, out _) && connection.GetSubscriber().IsConnected();

    /// <summary>
    /// Gets a value telling whether an outage is under way: Redis is unreachable, or was and the maintenance has not
    /// ended the outage yet. While it is, a subscription's state on the server is not known for sure.
    /// </summary>
    public bool InOutage => Volatile.Read(ref _unavailable) != 0 || !IsAvailable;

    /// <summary>
    /// Gets a value telling whether this instance has announced itself (its liveness key and its place among the
    /// instances) since the last failed connection: a Redis restarted empty knows nothing of it until then, and would
    /// never sweep what it writes, should it die first.
    /// </summary>
    public bool IsAnnounced => Interlocked.Read(ref _announcedAfter) == Outages && _announced;

    /// <summary>Gets how many times a connection to Redis failed: however short the break, the engine recovers from it.</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>Raised, on the connection's thread, when the connection to Redis is restored after a failure.</summary>
    public event Action? Restored;

    /// <summary>Starts connecting, if nothing has yet; completes when the connection exists (not necessarily connected).</summary>
    public Task<IConnectionMultiplexer> GetConnectionAsync() => _connection.Value;

    /// <summary>
    /// Gets the connection and the key layout when Redis is reachable, without waiting: a command issued right after
    /// is on its way before this instance's next one, which keeps one room's commands in the order they were made.
    /// </summary>
    public bool TryGetReady(out IConnectionMultiplexer connection, out RedisKeys keys)
    {
        connection = null!;
        keys = null!;
        if (!_connection.IsValueCreated || !_connection.Value.IsCompletedSuccessfully || Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        connection = _connection.Value.Result;
        if (!connection.IsConnected)
        {
            return false;
        }

        keys = Volatile.Read(ref _keys) ?? SettleKeys(connection);
        return true;
    }

    /// <summary>The owner entry of a connection's session here.</summary>
    /// <summary>
    /// Adds a room to the set of rooms this instance serves, which the crash sweep reads should it die without a
    /// word, or removes it once its last local member left. Fire and forget: one connection keeps the order.
    /// </summary>
    public void RecordServedRoom(IDatabase db, RedisKeys keys, string room, bool served)
    {
        var rooms = keys.InstanceRooms(InstanceId);
        if (served)
        {
            _ = db.SetAddAsync(rooms, room, CommandFlags.FireAndForget);
            _ = db.KeyExpireAsync(rooms, Options.StaleAfter * 4, CommandFlags.FireAndForget);
        }
        else
        {
            _ = db.SetRemoveAsync(rooms, room, CommandFlags.FireAndForget);
        }
    }

    public string Owner(string session) => string.Concat(InstanceId, ":", session);

    public double Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>Records a heartbeat made with no connection failed since <paramref name="outages"/> was read.</summary>
    public void Beaten(long outages)
    {
        Interlocked.Exchange(ref _announcedAfter, outages);
        _announced = true;
    }

    /// <summary>Ends an outage once Redis is reachable again, logging it once.</summary>
    public void TryEndOutage()
    {
        if (IsAvailable && Interlocked.CompareExchange(ref _unavailable, 0, 1) == 1)
        {
            Log.Restored(_logger);
        }
    }

    /// <summary>Logs a malformed entry or payload: once per 10 s at Warning, the rest at Debug.</summary>
    public void WarnMalformed(string room, string what)
    {
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastMalformedWarning);
        if (last == 0 || _timeProvider.GetElapsedTime(last, now) > TimeSpan.FromSeconds(10))
        {
            Interlocked.Exchange(ref _lastMalformedWarning, now);
            Log.Malformed(_logger, what, room);
        }
        else
        {
            Log.MalformedRepeated(_logger, what, room);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_connection.IsValueCreated || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            var connection = await _connection.Value.ConfigureAwait(false);
            if (connection.IsConnected && _keys is { } keys)
            {
                var db = connection.GetDatabase();
                await db.KeyDeleteAsync(keys.Liveness(InstanceId)).ConfigureAwait(false);
                await db.SortedSetRemoveAsync(keys.Instances, InstanceId).ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.CloseFailed(_logger, ex);
        }
    }

    // Decided once, on the first connection: a cluster cannot hold the seed's default-room keys together on one node.
    private RedisKeys SettleKeys(IConnectionMultiplexer connection)
    {
        var cluster = connection.GetServers().Any(static s => s.ServerType == ServerType.Cluster);
        var keys = new RedisKeys(Options.KeyPrefix, Options.UseShardedPubSub, seedLayout: Options.SeedCompatibility && !cluster);
        return Interlocked.CompareExchange(ref _keys, keys, null) ?? keys;
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var configuration = Options.ConnectionString is { } value
            ? RedisUrl.IsRedisUrl(value) ? RedisUrl.Parse(value) : ConfigurationOptions.Parse(value)
            : null;
        if (configuration is not null)
        {
            configuration.AbortOnConnectFail = false;
            configuration.ClientName ??= $"presence-{InstanceId[..8]}";
            configuration.ReconnectRetryPolicy ??= new ExponentialRetry(250, 5000);
        }

        var connection = Options.ConnectionFactory is { } factory
            ? await factory(configuration).ConfigureAwait(false)
            : await ConnectionMultiplexer.ConnectAsync(configuration ?? throw new InvalidOperationException("Redis has no ConnectionString nor ConnectionFactory.")).ConfigureAwait(false);

        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += (_, _) => Restored?.Invoke();
        if (!connection.IsConnected)
        {
            OnUnavailable("not reachable at start-up");
        }

        return connection;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Increment(ref _outages);
        OnUnavailable($"{e.FailureType} on {e.EndPoint}");
    }

    // Logged once per outage, not once per message.
    private void OnUnavailable(string reason)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.Unavailable(_logger, reason);
        }
    }

    // Event ids are stable once shipped: add new ones at the end.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis is unavailable ({Reason}); serving local clients only until it returns.", EventName = "Unavailable")]
        public static partial void Unavailable(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Information, "Redis is available again.", EventName = "Restored")]
        public static partial void Restored(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "Ignored a malformed {What} in room {Room}; further ones are logged at Debug for 10 s.", EventName = "Malformed")]
        public static partial void Malformed(ILogger logger, string what, string room);

        [LoggerMessage(4, LogLevel.Debug, "Ignored a malformed {What} in room {Room}.", EventName = "MalformedRepeated")]
        public static partial void MalformedRepeated(ILogger logger, string what, string room);

        [LoggerMessage(7, LogLevel.Debug, "Closing the Redis connection failed.", EventName = "CloseFailed")]
        public static partial void CloseFailed(ILogger logger, Exception exception);
    }
}
