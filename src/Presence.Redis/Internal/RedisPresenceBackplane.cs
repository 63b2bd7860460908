using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// Events between instances on Redis pub/sub: one channel per room, each payload an envelope
/// (<see cref="RedisEnvelope"/>). In the seed's layout, the default room publishes each event alone, as a v1
/// message, which is what the seed's backend reads; every other room publishes one v2 frame per tick.
/// </summary>
/// <remarks>
/// Each subscription reads its channel through its own message queue, so that one room's events are handled one at a
/// time in the order Redis delivered them: a handler per message would run them concurrently, and a cursor could then
/// overtake the participant's leave. A subscription is made only while Redis is reachable; one asked for while it is
/// not (or whose <c>SUBSCRIBE</c> fails) waits in a pending set, made when the connection is restored and on every
/// maintenance pass. Once made, the connection keeps it across reconnects.
/// </remarks>
internal sealed partial class RedisPresenceBackplane : IPresenceBackplane, IPresenceStoreHealth
{
    // Subscribing and unsubscribing one channel never overlap, so that cleaning up after a failed SUBSCRIBE can only
    // touch the subscription that failed.
    private readonly SemaphoreSlim[] _channelLocks = [.. Enumerable.Range(0, 32).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<Subscription, byte> _pending = new();
    private readonly ConcurrentDictionary<Subscription, byte> _started = new();

    // How many subscriptions of each room are made here: a retiring room and its successor may overlap.
    private readonly ConcurrentDictionary<string, int> _startedRooms = new(StringComparer.Ordinal);

    // Rooms unsubscribed while the connection was not settled: the UNSUBSCRIBE may not have reached the server.
    private readonly ConcurrentDictionary<string, byte> _unsettled = new(StringComparer.Ordinal);
    private readonly RedisConnection _redis;
    private readonly ILogger _logger;

    public RedisPresenceBackplane(RedisConnection redis, ILogger<RedisPresenceBackplane> logger)
    {
        _redis = redis;
        _logger = logger;
        redis.Restored += () => _ = Task.Run(SubscribePendingContainedAsync);
    }

    public bool IsAvailable => _redis.IsAvailable;

    public long Outages => _redis.Outages;

    public ValueTask PublishAsync(string room, PresenceBatch batch, CancellationToken cancellationToken = default)
    {
        if (!_redis.TryGetReady(out var connection, out var keys))
        {
            return default;
        }

        var subscriber = connection.GetSubscriber();
        var channel = keys.Channel(room);
        if (keys.IsSeedDefault(room))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                _ = subscriber.PublishAsync(channel, RedisEnvelope.Wrap(_redis.EnvelopePrefix, batch[i].Span), CommandFlags.FireAndForget);
            }
        }
        else
        {
            _ = subscriber.PublishAsync(channel, RedisEnvelope.Wrap(_redis.EnvelopePrefix, batch.Frame.Span), CommandFlags.FireAndForget);
        }

        return default;
    }

    public async ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default)
    {
        var subscription = new Subscription(this, room, onMessage);
        if (!await subscription.TryStartAsync().ConfigureAwait(false))
        {
            _pending[subscription] = 0;
        }

        return subscription;
    }

    /// <summary>Makes the subscriptions that wait for Redis, once it is reachable; each is tried once per call.</summary>
    internal async Task SubscribePendingAsync()
    {
        foreach (var subscription in _pending.Keys)
        {
            if (!_redis.TryGetReady(out _, out _))
            {
                return;
            }

            if (_pending.TryRemove(subscription, out _) && !await subscription.TryStartAsync().ConfigureAwait(false))
            {
                _pending[subscription] = 0;
            }
        }
    }

    /// <summary>
    /// After an outage: a room unsubscribed while the connection was not settled may still be subscribed on the server
    /// (StackExchange.Redis forgets it at once, but sends the <c>UNSUBSCRIBE</c> only to a server it knows it is
    /// subscribed on, and a reconnect may have subscribed it again meanwhile). Unless the room is subscribed here again,
    /// a subscription made and ended at once sends that <c>UNSUBSCRIBE</c> on the subscription connection.
    /// </summary>
    internal async Task SettleUnsubscribedAsync()
    {
        foreach (var room in _unsettled.Keys)
        {
            if (_redis.InOutage || !_redis.TryGetReady(out var connection, out var keys))
            {
                return;
            }

            var gate = LockOf(room);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_unsettled.TryRemove(room, out _) || _started.Keys.Any(s => s.Room == room))
                {
                    continue;
                }

                var subscriber = connection.GetSubscriber();
                var channel = keys.Channel(room);
                await subscriber.SubscribeAsync(channel, IgnoreMessage).ConfigureAwait(false);
                await subscriber.UnsubscribeAsync(channel, IgnoreMessage).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                _unsettled[room] = 0;
                Log.SubscriptionFailed(_logger, room, ex);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    private static void IgnoreMessage(RedisChannel channel, RedisValue value)
    {
    }

    private async Task SubscribePendingContainedAsync()
    {
        try
        {
            await SubscribePendingAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.PendingSubscriptionsFailed(_logger, ex);
        }
    }

    private SemaphoreSlim LockOf(string room) => _channelLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(room) % (uint)_channelLocks.Length)];

    private sealed class Subscription(RedisPresenceBackplane owner, string room, Action<ReadOnlyMemory<byte>> onMessage) : IAsyncDisposable
    {
        public string Room => room;

        private ChannelMessageQueue? _queue;
        private long _outagesWhenMade;
        private int _disposed;

        /// <summary>
        /// Subscribes, if Redis is reachable; completes once Redis has confirmed, so that nothing published after it
        /// is missed. Returns false when it must be tried again later.
        /// </summary>
        public async Task<bool> TryStartAsync()
        {
            var gate = owner.LockOf(room);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _disposed) != 0 || _queue is not null)
                {
                    return true;
                }

                if (!owner._redis.TryGetReady(out var connection, out var keys))
                {
                    return false;
                }

                var channel = keys.Channel(room);
                var subscriber = connection.GetSubscriber();
                try
                {
                    var outages = owner._redis.Outages;
                    var queue = await subscriber.SubscribeAsync(channel).ConfigureAwait(false);
                    queue.OnMessage(message => owner.Dispatch(room, onMessage, message.Message));
                    _queue = queue;
                    _outagesWhenMade = outages;
                    owner._started[this] = 0;
                    owner._startedRooms.AddOrUpdate(room, 1, static (_, count) => count + 1);
                    // Under the room's lock, in the order of its subscriptions, so that a retiring room never removes its successor.
                    owner._redis.RecordServedRoom(connection.GetDatabase(), keys, room, served: true);
                    return true;
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    Log.SubscriptionFailed(owner._logger, room, ex);

                    // The failed queue stays registered with the connection, out of reach: no other subscription
                    // of this channel can exist here now (see the lock), so the channel's registrations all go.
                    subscriber.Unsubscribe(channel, handler: null, CommandFlags.FireAndForget);
                    owner._unsettled[room] = 0;
                    return false;
                }
            }
            finally
            {
                gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            owner._pending.TryRemove(this, out _);
            var gate = owner.LockOf(room);
            await gate.WaitAsync().ConfigureAwait(false);
            try
            {
                // Off the connection at once, so that no reconnect subscribes it again; the UNSUBSCRIBE follows.
                if (_queue is { } queue)
                {
                    queue.Unsubscribe(CommandFlags.FireAndForget);
                    _queue = null;
                    owner._started.TryRemove(this, out _);
                    if (owner._startedRooms.AddOrUpdate(room, 0, static (_, count) => count - 1) <= 0)
                    {
                        owner._startedRooms.TryRemove(KeyValuePair.Create(room, 0));
                    }

                    // A subscription that lived through a failed connection was made again by the reconnect, which
                    // may still be under way even though the outage looks over: StackExchange.Redis then skips the
                    // UNSUBSCRIBE (it knows no server the channel is on yet) while its own SUBSCRIBE is on its way.
                    if (owner._redis.InOutage || owner._redis.Outages != _outagesWhenMade)
                    {
                        owner._unsettled[room] = 0;
                    }
                }

                // The room's last local member is gone: the crash sweep need not look at it any more. Its successor,
                // should one be subscribed already, keeps it; one subscribed later records it again.
                if (!owner._startedRooms.ContainsKey(room) && owner._redis.TryGetReady(out var connection, out var keys))
                {
                    owner._redis.RecordServedRoom(connection.GetDatabase(), keys, room, served: false);
                }
            }
            finally
            {
                gate.Release();
            }
        }
    }

    // Redis is untrusted input too: a payload that is not an envelope is logged and dropped; the engine parses and
    // cleans the event itself. This instance's own publications come back to it, and are dropped here.
    private void Dispatch(string room, Action<ReadOnlyMemory<byte>> onMessage, RedisValue value)
    {
        try
        {
            if (!RedisEnvelope.TryRead((ReadOnlyMemory<byte>)value, out var origin, out var message))
            {
                _redis.WarnMalformed(room, "pub/sub payload");
                return;
            }

            if (origin != _redis.InstanceId)
            {
                onMessage(message);
            }
        }
        catch (Exception ex)
        {
            Log.ListenerFailed(_logger, room, ex);
        }
    }

    // Event ids are stable once shipped: add new ones at the end.
    private static partial class Log
    {
        [LoggerMessage(5, LogLevel.Warning, "Subscribing to or unsubscribing from room {Room} failed; a subscription is tried again when Redis returns.", EventName = "SubscriptionFailed")]
        public static partial void SubscriptionFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "A listener of room {Room} failed.", EventName = "ListenerFailed")]
        public static partial void ListenerFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(8, LogLevel.Warning, "Making the subscriptions that waited for Redis failed; the next maintenance pass tries again.", EventName = "PendingSubscriptionsFailed")]
        public static partial void PendingSubscriptionsFailed(ILogger logger, Exception exception);
    }
}
