using System.Text;
using System.Threading.Channels;
using Presence.Testing;

namespace Presence.Redis.Tests;

/// <summary>A room's tick and a departure never publish out of order: no instance hears a cursor after its leave.</summary>
public sealed class FlushOrderTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _room = "flush" + Guid.NewGuid().ToString("N")[..10];
    private KestrelPresenceServer _one = null!;
    private KestrelPresenceServer _two = null!;

    public async ValueTask InitializeAsync()
    {
        _one = await RedisInstances.StartAsync(redis.Server.ConnectionString);
        _two = await RedisInstances.StartAsync(redis.Server.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
    }

    [Fact]
    public async Task ATickHeldUpBetweenItsFrameAndItsPublication_StillPublishesBeforeTheDeparturesThatFollow()
    {
        await using var observer = await _two.ConnectAsync("observer", "Observer", "#336699", _room);
        await observer.WaitForAsync<SnapshotMessage>();
        var mover = await _one.ConnectAsync("mover", "Mover", "#336699", _room);
        await mover.WaitForAsync<SnapshotMessage>();

        // A v2 member on the same instance, whose sends of the mover's cursor stall the thread that makes them: the
        // tick, after it has taken the room's events and before it has published them, as a preempted thread would.
        using var stalling = new StallingTransport("\"mover\"");
        var stallingRun = Task.Run(() => _one.Engine.RunAsync(stalling, new PresenceJoinRequest("stalling", null, null, _room) { Version = PresenceProtocolVersion.V2 }));
        await observer.WaitForRosterAsync(r => r.ContainsKey("mover") && r.ContainsKey("stalling"));

        await mover.SendCursorAsync(0.3, 0.3);
        await stalling.Stalled.Task.WaitAsync(PresenceTestClient.DefaultTimeout);

        // Both local members leave while the tick is held up; the mover's close completes once its departure is made.
        var moverClosing = mover.CloseAsync();
        stalling.End();
        // Time for the departures to overtake the held-up tick, were they able to.
        await Task.Delay(TimeSpan.FromSeconds(1));

        stalling.Release();
        await stallingRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        await moverClosing.WaitAsync(PresenceTestClient.DefaultTimeout);
        await mover.DisposeAsync();
        await _one.Engine.WaitForConnectionsAsync(0);

        // Whatever the first instance published reaches the observer before this sentinel's arrival.
        await using var sentinel = await _one.ConnectAsync("sentinel", "Sentinel", "#336699", _room);
        await observer.WaitForAsync<PresenceMessage>(p => p.User.Id == "sentinel");
        Assert.False(observer.Roster.ContainsKey("mover"), "A cursor published after the mover's leave brought it back as a ghost.");
        Assert.False(observer.Roster.ContainsKey("stalling"));
    }

    /// <summary>A transport whose send of a frame that contains a marker blocks its caller until released.</summary>
    private sealed class StallingTransport(string marker) : IPresenceTransport, IDisposable
    {
        private readonly Channel<TransportMessage> _received = Channel.CreateUnbounded<TransportMessage>();
        private readonly ManualResetEventSlim _released = new();

        public TaskCompletionSource Stalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void End() => _received.Writer.TryComplete();

        public void Release() => _released.Set();

        public async ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _received.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                return TransportMessage.Closed;
            }
        }

        public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
        {
            var text = Encoding.UTF8.GetString(frame.Payload.Span);
            if (text.Contains("\"cursor\"", StringComparison.Ordinal) && text.Contains(marker, StringComparison.Ordinal) && Stalled.TrySetResult())
            {
                _released.Wait(PresenceTestClient.DefaultTimeout, CancellationToken.None);
            }

            return default;
        }

        public ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default) => default;

        public void Abort() => End();

        public void Dispose() => _released.Dispose();
    }
}
