using System.Buffers;
using System.Text;
using System.Threading.Channels;

namespace Presence.Testing;

/// <summary>
/// Several server instances in one process: one shared roster, and a backplane between them that behaves as Redis
/// pub/sub does. Every publication, and every departure a release announces, passes one lock into the queue of each
/// subscription of the room on the other instances, so that all of them hear everything in one order; each queue is
/// delivered in order, one message at a time, off the publisher's thread.
/// </summary>
public sealed class InProcessFleet
{
    private readonly object _gate = new();
    private readonly List<Instance> _instances = [];

    private readonly Action<string>? _trace;

    /// <param name="timeProvider">The roster's clock.</param>
    /// <param name="trace">Told of every roster call and every message between instances, to explain a failure.</param>
    public InProcessFleet(TimeProvider? timeProvider = null, Action<string>? trace = null)
    {
        Roster = new InMemoryPresenceRoster(Microsoft.Extensions.Options.Options.Create(new InMemoryPresenceRosterOptions()), timeProvider ?? TimeProvider.System);
        _trace = trace;
    }

    /// <summary>Gets the roster every instance shares.</summary>
    public InMemoryPresenceRoster Roster { get; }

    /// <summary>Adds an instance: its roster and its backplane, to hand to its engine.</summary>
    public Instance AddInstance()
    {
        var instance = new Instance(this);
        lock (_gate)
        {
            _instances.Add(instance);
        }

        return instance;
    }

    private void Trace(Instance instance, string what)
    {
        if (_trace is { } trace)
        {
            trace($"instance {_instances.IndexOf(instance)} {what}");
        }
    }

    private void Deliver(Instance from, string room, byte[] message)
    {
        Trace(from, $"publishes in {room}: {Encoding.UTF8.GetString(message)}");
        lock (_gate)
        {
            foreach (var instance in _instances)
            {
                if (instance != from)
                {
                    instance.Deliver(room, message);
                }
            }
        }
    }

    /// <summary>One instance of the fleet: a roster and a backplane for its engine.</summary>
    public sealed class Instance : IPresenceRoster, IPresenceRoomListing, IPresenceBackplane, IPresenceSharedSecret
    {
        private readonly InProcessFleet _fleet;
        private readonly List<Subscription> _subscriptions = [];

        internal Instance(InProcessFleet fleet) => _fleet = fleet;

        public string Label => "memory";

        /// <summary>Gets the rooms this instance subscribes to now, one entry per subscription.</summary>
        public IReadOnlyList<string> SubscribedRooms
        {
            get
            {
                lock (_subscriptions)
                {
                    return [.. _subscriptions.Select(s => s.Room)];
                }
            }
        }

        public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default) =>
            _fleet.Roster.SnapshotAsync(room, cancellationToken);

        public ValueTask<IReadOnlyList<PresenceRoomSummary>> ListRoomsAsync(CancellationToken cancellationToken = default) =>
            _fleet.Roster.ListRoomsAsync(cancellationToken);

        public ValueTask<IReadOnlyList<byte[]>?> GetSharedSecretsAsync(CancellationToken cancellationToken = default) =>
            _fleet.Roster.GetSharedSecretsAsync(cancellationToken);

        public ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
        {
            _fleet.Trace(this, $"claims {user.Id} in {room} as {session} ({mode})");
            return _fleet.Roster.ClaimAsync(room, user, session, mode, cancellationToken);
        }

        public async ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
        {
            var write = await _fleet.Roster.UpdateAsync(room, user, session, mode, cancellationToken);
            _fleet.Trace(this, $"writes {user.Id} ({user.Name}, {user.X}, {user.Y}) in {room} as {session}: {write}");
            return write;
        }

        // The removal and the announcement of the departure happen under the fleet's lock, as one step.
        public ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default)
        {
            lock (_fleet._gate)
            {
                // The in-memory roster answers at once.
                var release = _fleet.Roster.ReleaseAsync(room, participantId, session, cancellationToken);
                _fleet.Trace(this, $"releases {participantId} in {room} as {session}");
                if (!release.IsCompletedSuccessfully || !release.Result)
                {
                    return new(false);
                }

                var leave = new ArrayBufferWriter<byte>();
                PresenceProtocol.WriteServerMessage(new LeaveMessage(participantId), leave);
                _fleet.Deliver(this, room, leave.WrittenSpan.ToArray());
                return new(true);
            }
        }

        public ValueTask PublishAsync(string room, PresenceBatch batch, CancellationToken cancellationToken = default)
        {
            _fleet.Deliver(this, room, batch.Frame.ToArray());
            return default;
        }

        public ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default)
        {
            var subscription = new Subscription(this, room, onMessage);
            lock (_fleet._gate)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(subscription);
                }
            }

            return new(subscription);
        }

        internal void Deliver(string room, byte[] message)
        {
            lock (_subscriptions)
            {
                foreach (var subscription in _subscriptions)
                {
                    if (subscription.Room == room)
                    {
                        subscription.Enqueue(message);
                    }
                }
            }
        }

        private void Remove(Subscription subscription)
        {
            lock (_fleet._gate)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Remove(subscription);
                }
            }
        }

        private sealed class Subscription : IAsyncDisposable
        {
            private readonly Instance _owner;
            private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            private readonly Task _pump;

            public Subscription(Instance owner, string room, Action<ReadOnlyMemory<byte>> onMessage)
            {
                _owner = owner;
                Room = room;
                _pump = Task.Run(async () =>
                {
                    await foreach (var message in _queue.Reader.ReadAllAsync())
                    {
                        try
                        {
                            owner._fleet.Trace(owner, $"hears in {room}: {Encoding.UTF8.GetString(message)}");
                            onMessage(message);
                        }
                        catch (Exception ex)
                        {
                            Console.Error.WriteLine($"A listener of room {room} failed: {ex}");
                        }
                    }
                });
            }

            public string Room { get; }

            public void Enqueue(byte[] message) => _queue.Writer.TryWrite(message);

            public async ValueTask DisposeAsync()
            {
                _owner.Remove(this);
                _queue.Writer.TryComplete();
                await _pump;
            }
        }
    }

    /// <summary>The text of a delivered message, for diagnostics.</summary>
    public static string Describe(ReadOnlyMemory<byte> message) => Encoding.UTF8.GetString(message.Span);
}
