using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// The store of a fleet of instances on Redis: rosters in hashes with an activity sorted set, as the seed keeps
/// them, events on pub/sub channels, and a record of which instance serves whom, for crash cleanup.
/// </summary>
/// <remarks>
/// While Redis is unreachable, writes and publications return at once without effect (the store is degraded,
/// not failing), removals are remembered and replayed on return, and snapshots are empty, so that the engine
/// serves its local members alone. Nothing here throws into a connection's loop.
/// </remarks>
internal sealed partial class RedisPresenceStore : IPresenceStore, IPresenceStoreHealth, IAsyncDisposable
{
    private readonly RedisPresenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RedisKeys _keys;
    private readonly byte[] _envelopePrefix;
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection;
    private readonly ConcurrentDictionary<string, RoomChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Room, string Id), byte> _pendingRemovals = new();
    private int _unavailable;
    private int _disposed;
    private long _lastMalformedWarning;

    public RedisPresenceStore(IOptions<RedisPresenceOptions> options, TimeProvider timeProvider, ILogger<RedisPresenceStore> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _keys = new RedisKeys(_options.KeyPrefix, _options.UseShardedPubSub);
        _envelopePrefix = RedisEnvelope.Prefix(InstanceId);
        _connection = new Lazy<Task<IConnectionMultiplexer>>(ConnectAsync);
    }

    /// <summary>Raised when Redis is reachable again after an outage.</summary>
    public event Func<Task>? Restored;

    /// <summary>Gets this instance's id: the <c>origin</c> of what it publishes.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public string Label => "redis";

    public bool IsAvailable => _connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully && _connection.Value.Result.IsConnected;

    internal RedisKeys Keys => _keys;

    internal RedisPresenceOptions Options => _options;

    public Task<IConnectionMultiplexer> GetConnectionAsync() => _connection.Value;

    public async ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default)
    {
        if (await AvailableDatabaseAsync().ConfigureAwait(false) is not { } db)
        {
            return [];
        }

        // As the seed does: prune the stale first, then read what is left.
        var staleIds = await db.SortedSetRangeByScoreAsync(_keys.Activity(room), double.NegativeInfinity, Now() - _options.StaleAfter.TotalSeconds).ConfigureAwait(false);
        if (staleIds.Length > 0)
        {
            var batch = db.CreateBatch();
            _ = batch.HashDeleteAsync(_keys.Users(room), staleIds, CommandFlags.FireAndForget);
            _ = batch.SortedSetRemoveAsync(_keys.Activity(room), staleIds, CommandFlags.FireAndForget);
            _ = batch.HashDeleteAsync(_keys.Owners(room), staleIds, CommandFlags.FireAndForget);
            batch.Execute();
        }

        var stale = staleIds.Select(static id => (string?)id).ToHashSet(StringComparer.Ordinal);
        var entries = await db.HashGetAllAsync(_keys.Users(room)).ConfigureAwait(false);
        var users = new List<PresenceUser>(entries.Length);
        foreach (var entry in entries)
        {
            if (stale.Contains(entry.Name))
            {
                continue;
            }

            if (PresenceProtocol.TryParseUser(((ReadOnlyMemory<byte>)entry.Value).Span, out var user)
                && PresenceRules.TryCleanUser(user, out var clean)
                && clean.Id == (string?)entry.Name)
            {
                users.Add(clean);
            }
            else
            {
                WarnMalformed(room, "roster entry");
            }
        }

        return users;
    }

    public async ValueTask UpsertAsync(string room, PresenceUser user, CancellationToken cancellationToken = default)
    {
        _pendingRemovals.TryRemove((room, user.Id), out _);
        if (await AvailableDatabaseAsync().ConfigureAwait(false) is not { } db)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(160);
        PresenceProtocol.WriteUser(user, buffer);
        var expiry = _options.StaleAfter * 4;

        // Fire and forget keeps a hot connection's loop off the network; one connection keeps the order.
        var batch = db.CreateBatch();
        _ = batch.HashSetAsync(_keys.Users(room), user.Id, buffer.WrittenMemory, flags: CommandFlags.FireAndForget);
        _ = batch.SortedSetAddAsync(_keys.Activity(room), user.Id, Now(), CommandFlags.FireAndForget);
        _ = batch.HashSetAsync(_keys.Owners(room), user.Id, InstanceId, flags: CommandFlags.FireAndForget);
        _ = batch.KeyExpireAsync(_keys.Users(room), expiry, CommandFlags.FireAndForget);
        _ = batch.KeyExpireAsync(_keys.Activity(room), expiry, CommandFlags.FireAndForget);
        _ = batch.KeyExpireAsync(_keys.Owners(room), expiry, CommandFlags.FireAndForget);
        _ = batch.SetAddAsync(_keys.InstanceRooms(InstanceId), room, CommandFlags.FireAndForget);
        _ = batch.KeyExpireAsync(_keys.InstanceRooms(InstanceId), expiry, CommandFlags.FireAndForget);
        batch.Execute();
    }

    public async ValueTask<bool> RemoveAsync(string room, string id, CancellationToken cancellationToken = default)
    {
        if (await AvailableDatabaseAsync().ConfigureAwait(false) is not { } db)
        {
            _pendingRemovals[(room, id)] = 0;
            return true;
        }

        try
        {
            return await RemoveOwnedAsync(db, room, id, InstanceId).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            _pendingRemovals[(room, id)] = 0;
            return true;
        }
    }

    public async ValueTask PublishAsync(string room, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        if (!IsAvailable)
        {
            return;
        }

        var connection = await _connection.Value.ConfigureAwait(false);
        var envelope = RedisEnvelope.Wrap(_envelopePrefix, message.Span);
        _ = connection.GetSubscriber().PublishAsync(_keys.Channel(room), envelope, CommandFlags.FireAndForget);
    }

    public async ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default)
    {
        var subscription = new Subscription(this, room, onMessage);
        while (true)
        {
            var channel = _channels.GetOrAdd(room, static (name, store) => new RoomChannel(store, name), this);
            if (await channel.AddAsync(subscription).ConfigureAwait(false))
            {
                return subscription;
            }
        }
    }

    /// <summary>
    /// Removes a participant if <paramref name="owner"/> still owns it; false when another instance took it over.
    /// </summary>
    internal async Task<bool> RemoveOwnedAsync(IDatabase db, string room, string id, string owner)
    {
        var current = await db.HashGetAsync(_keys.Owners(room), id).ConfigureAwait(false);
        if (current.HasValue && current != owner)
        {
            return false;
        }

        var batch = db.CreateBatch();
        _ = batch.HashDeleteAsync(_keys.Users(room), id, CommandFlags.FireAndForget);
        _ = batch.SortedSetRemoveAsync(_keys.Activity(room), id, CommandFlags.FireAndForget);
        _ = batch.HashDeleteAsync(_keys.Owners(room), id, CommandFlags.FireAndForget);
        batch.Execute();
        return true;
    }

    /// <summary>Announces a departure to the other instances and to this one's own listeners of the room.</summary>
    internal async Task AnnounceLeaveAsync(string room, string id)
    {
        var leave = new ArrayBufferWriter<byte>(64);
        PresenceProtocol.WriteServerMessage(new LeaveMessage(id), leave);
        await PublishAsync(room, leave.WrittenMemory).ConfigureAwait(false);
        if (_channels.TryGetValue(room, out var channel))
        {
            channel.Dispatch(leave.WrittenMemory);
        }
    }

    /// <summary>After an outage: replays the removals that could not be written, and subscribes where it could not.</summary>
    internal async Task ReplayAfterOutageAsync()
    {
        if (await AvailableDatabaseAsync().ConfigureAwait(false) is not { } db)
        {
            return;
        }

        foreach (var (room, id) in _pendingRemovals.Keys)
        {
            if (_pendingRemovals.TryRemove((room, id), out _) && await RemoveOwnedAsync(db, room, id, InstanceId).ConfigureAwait(false))
            {
                await AnnounceLeaveAsync(room, id).ConfigureAwait(false);
            }
        }

        foreach (var channel in _channels.Values)
        {
            await channel.EnsureSubscribedAsync().ConfigureAwait(false);
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
            if (connection.IsConnected)
            {
                var db = connection.GetDatabase();
                await db.KeyDeleteAsync(_keys.Liveness(InstanceId)).ConfigureAwait(false);
                await db.SortedSetRemoveAsync(_keys.Instances, InstanceId).ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.CloseFailed(_logger, ex);
        }
    }

    internal double Now() => _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;

    private async ValueTask<IDatabase?> AvailableDatabaseAsync()
    {
        var connection = await _connection.Value.ConfigureAwait(false);
        return IsAvailable ? connection.GetDatabase() : null;
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var configuration = _options.ConnectionString is { } value
            ? RedisUrl.IsRedisUrl(value) ? RedisUrl.Parse(value) : ConfigurationOptions.Parse(value)
            : null;
        if (configuration is not null)
        {
            configuration.AbortOnConnectFail = false;
            configuration.ClientName ??= $"presence-{InstanceId[..8]}";
            configuration.ReconnectRetryPolicy ??= new ExponentialRetry(250, 5000);
        }

        var connection = _options.ConnectionFactory is { } factory
            ? await factory(configuration).ConfigureAwait(false)
            : await ConnectionMultiplexer.ConnectAsync(configuration ?? throw new InvalidOperationException("Redis has no ConnectionString nor ConnectionFactory.")).ConfigureAwait(false);

        connection.ConnectionFailed += OnConnectionFailed;
        connection.ConnectionRestored += OnConnectionRestored;
        if (!connection.IsConnected)
        {
            OnUnavailable("not reachable at start-up");
        }

        return connection;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e) => OnUnavailable($"{e.FailureType} on {e.EndPoint}");

    // Logged once per outage, not once per message.
    private void OnUnavailable(string reason)
    {
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.Unavailable(_logger, reason);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => TryRecover();

    /// <summary>
    /// Ends an outage once Redis is reachable again: logs it and raises <see cref="Restored"/>, once. The events of
    /// the connection can arrive out of order, so the heartbeat calls this too, and whichever sees the outage over
    /// first recovers.
    /// </summary>
    internal void TryRecover()
    {
        if (IsAvailable && Interlocked.CompareExchange(ref _unavailable, 0, 1) == 1)
        {
            Log.Restored(_logger);
            if (Restored is { } restored)
            {
                _ = Task.Run(restored);
            }
        }
    }

    private void WarnMalformed(string room, string what)
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
}
