using StackExchange.Redis;

namespace Presence.Redis.Internal;

// One Redis subscription per room, shared by the room's local listeners: subscribed when the first listener
// arrives and unsubscribed when the last one leaves, so an instance hears nothing of rooms it does not serve.
internal sealed partial class RedisPresenceStore
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The gate never allocates a wait handle, so there is nothing to release.")]
    private sealed class RoomChannel
    {
        private readonly RedisPresenceStore _store;
        private readonly string _room;
        private readonly RedisChannel _channel;
        private readonly Action<RedisChannel, RedisValue> _handler;
        private readonly SemaphoreSlim _gate = new(1, 1);
        private Subscription[] _listeners = [];
        private bool _subscribed;
        private bool _retired;

        public RoomChannel(RedisPresenceStore store, string room)
        {
            _store = store;
            _room = room;
            _channel = store._keys.Channel(room);
            _handler = (_, value) => OnMessage(value);
        }

        /// <summary>Adds a listener; false when the channel was retired meanwhile and a new one must be made.</summary>
        public async Task<bool> AddAsync(Subscription listener)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_retired)
                {
                    return false;
                }

                listener.Channel = this;
                _listeners = [.. _listeners, listener];
                await SubscribeLockedAsync().ConfigureAwait(false);
                return true;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task RemoveAsync(Subscription listener)
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                _listeners = [.. _listeners.Where(l => l != listener)];
                if (_listeners.Length > 0 || _retired)
                {
                    return;
                }

                _retired = true;
                _store._channels.TryRemove(new KeyValuePair<string, RoomChannel>(_room, this));
                if (_subscribed)
                {
                    _subscribed = false;
                    var connection = await _store._connection.Value.ConfigureAwait(false);
                    try
                    {
                        await connection.GetSubscriber().UnsubscribeAsync(_channel, _handler).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is RedisException or TimeoutException)
                    {
                        Log.SubscriptionFailed(_store._logger, _room, ex);
                    }
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public async Task EnsureSubscribedAsync()
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (!_retired)
                {
                    await SubscribeLockedAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispatch(ReadOnlyMemory<byte> message)
        {
            foreach (var listener in Volatile.Read(ref _listeners))
            {
                try
                {
                    listener.OnMessage(message);
                }
                catch (Exception ex)
                {
                    Log.ListenerFailed(_store._logger, _room, ex);
                }
            }
        }

        // While Redis is away, nothing is attempted: the replay after the outage subscribes.
        private async Task SubscribeLockedAsync()
        {
            if (_subscribed || !_store.IsAvailable)
            {
                return;
            }

            try
            {
                var connection = await _store._connection.Value.ConfigureAwait(false);
                await connection.GetSubscriber().SubscribeAsync(_channel, _handler).ConfigureAwait(false);
                _subscribed = true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Log.SubscriptionFailed(_store._logger, _room, ex);
            }
        }

        // Redis is untrusted input too: a payload that is not an envelope is logged and dropped; the engine
        // parses and cleans the event itself.
        private void OnMessage(RedisValue value)
        {
            if (!RedisEnvelope.TryRead((ReadOnlyMemory<byte>)value, out var origin, out var message))
            {
                _store.WarnMalformed(_room, "pub/sub payload");
                return;
            }

            if (origin == _store.InstanceId)
            {
                return;
            }

            Dispatch(message);
        }
    }

    private sealed class Subscription(RedisPresenceStore store, string room, Action<ReadOnlyMemory<byte>> onMessage) : IAsyncDisposable
    {
        private int _disposed;

        public RoomChannel? Channel { get; set; }

        public string Room { get; } = room;

        public RedisPresenceStore Store { get; } = store;

        public void OnMessage(ReadOnlyMemory<byte> message) => onMessage(message);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0 && Channel is { } channel)
            {
                await channel.RemoveAsync(this).ConfigureAwait(false);
            }
        }
    }
}
