using System.IO.Pipelines;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Presence.Testing;

namespace Presence.Tests.Engine;

public sealed class PresenceEngineTests
{
    private const string Room = "room";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));

    [Fact]
    public async Task AConnectedParticipantWhoStaysStill_IsNeverPrunedFromTheStore()
    {
        var store = new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions()), _time);
        await using var host = new EngineHost(store, timeProvider: _time);
        await using var idle = host.Connect("idle", room: Room);
        await idle.WaitForAsync<SnapshotMessage>();

        // Ten minutes of fake time, far past the 120 s stale time, in steps the maintenance loop can follow.
        for (var second = 0; second < 600; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        await Eventually.HoldsAsync(async () => (await store.SnapshotAsync(Room)).Any(u => u.Id == "idle"));
        await using var late = host.Connect("late", room: Room);
        var snapshot = await late.WaitForAsync<SnapshotMessage>();
        Assert.Contains(snapshot.Users, u => u.Id == "idle");
    }

    [Fact]
    public async Task ADisconnectedParticipant_IsLeftOutOfTheStore()
    {
        var store = new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions()), _time);
        await using var host = new EngineHost(store, timeProvider: _time);
        var gone = host.Connect("gone", room: Room);
        await gone.WaitForAsync<SnapshotMessage>();
        await gone.CloseAsync();
        await gone.ServerRun.WaitAsync(PresenceTestClient.DefaultTimeout);

        Assert.Empty(await store.SnapshotAsync(Room));
    }

    [Fact]
    public async Task CursorPersistence_IsThrottled_ToOneWritePerInterval()
    {
        var store = new CountingRoster(new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions()), _time));
        await using var host = new EngineHost(store, timeProvider: _time);
        await using var mover = host.Connect("mover", room: Room);
        await using var watcher = host.Connect("watcher", room: Room);
        await mover.WaitForAsync<SnapshotMessage>();
        await watcher.WaitForAsync<SnapshotMessage>();
        var joinWrites = store.WritesOf("mover");

        for (var i = 1; i <= 25; i++)
        {
            await mover.SendCursorAsync(i / 100.0, 0.5);
        }

        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == 0.25);
        Assert.Equal(joinWrites, store.WritesOf("mover"));

        _time.Advance(host.Options.CursorPersistInterval);
        await Eventually.HoldsAsync(async () => (await store.SnapshotAsync(Room)).Any(u => u.Id == "mover" && u.X == 0.25));
        Assert.Equal(joinWrites + 1, store.WritesOf("mover"));

        _time.Advance(host.Options.CursorPersistInterval);
        await Task.Delay(50);
        Assert.Equal(joinWrites + 1, store.WritesOf("mover"));
    }

    [Fact]
    public async Task TickListeners_RunOnEveryTick_AndOneThatThrowsStopsNeitherTheOthersNorTheTicks()
    {
        var ticks = 0;
        await using var host = new EngineHost(
            timeProvider: _time,
            tickListeners: [new TickListener(() => throw new InvalidOperationException("a failing reader")), new TickListener(() => Interlocked.Increment(ref ticks))]);
        await using var watcher = host.Connect("watcher", room: Room, version: PresenceProtocolVersion.V2);
        await watcher.WaitForAsync<SnapshotMessage>();

        // The clock runs on its own: an advance made before the tick loop waits on its timer would be lost.
        using var stop = new CancellationTokenSource();
        var clock = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _time.Advance(host.Options.TickInterval);
                await Task.Delay(10);
            }
        });
        await Eventually.HoldsAsync(() => Volatile.Read(ref ticks) >= 3);

        // And the ticks still carry frames.
        await using var mover = host.Connect("mover", room: Room, version: PresenceProtocolVersion.V2);
        await mover.WaitForAsync<SnapshotMessage>();
        await mover.SendCursorAsync(0.25, 0.5);
        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == 0.25);
        await stop.CancelAsync();
        await clock;
    }

    [Fact]
    public async Task AMessageTooBig_AnnouncesTheLeaveAtOnce_ThenReadsOnUntilTheClientAnswersTheClose()
    {
        await using var host = new EngineHost(options: new PresenceOptions { MaximumMessageSize = 1024, CloseTimeout = TimeSpan.FromMinutes(5) });
        await using var watcher = host.Connect("watcher", room: Room);
        await using var sender = host.Connect("sender", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        await sender.WaitForAsync<SnapshotMessage>();

        await sender.SendTextAsync(new string('x', 5000));
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "sender");
        await sender.WaitForCloseAsync();

        // The server still reads what the client sends after the close, and drops it, until the client answers.
        await sender.SendTextAsync("""{"type":"cursor","x":0.25,"y":0.25}""");
        await Task.Delay(100);
        Assert.False(sender.ServerRun.IsCompleted);
        await sender.CloseAsync();
        await sender.ServerRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        Assert.DoesNotContain(watcher.Received, m => m is CursorMessage);
    }

    [Fact]
    public async Task AClientThatNeverReads_IsAborted_AndTheOthersKeepReceiving()
    {
        await using var host = new EngineHost(options: new PresenceOptions { SendTimeout = TimeSpan.FromMilliseconds(500), OutboxCapacity = 4096 });
        await using var mover = host.Connect("mover", room: Room);
        await using var watcher = host.Connect("watcher", room: Room);
        await mover.WaitForAsync<SnapshotMessage>();
        await watcher.WaitForAsync<SnapshotMessage>();

        // A stalled client: its pipe holds 64 KiB before writes block, then its outbox fills.
        var toClient = new Pipe(new PipeOptions(pauseWriterThreshold: 1024, resumeWriterThreshold: 512));
        var toServer = new Pipe();
        var stalled = new StreamPresenceTransport(new DuplexPipe(toServer.Reader, toClient.Writer));
        var stalledRun = Task.Run(() => host.Engine.RunAsync(stalled, new PresenceJoinRequest("stalled", null, null, Room)));
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Id == "stalled");

        for (var i = 0; i <= 2000; i++)
        {
            await mover.SendCursorAsync(i / 2000.0, 0.5);
        }

        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == 1.0);
        await stalledRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "stalled");
    }

    [Fact]
    public async Task ALineOverTheLimit_ClosesTheConnection_AndAnnouncesTheLeave()
    {
        await using var host = new EngineHost(options: new PresenceOptions { MaximumMessageSize = 1024 });
        await using var watcher = host.Connect("watcher", room: Room);
        await using var sender = host.Connect("sender", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        await sender.WaitForAsync<SnapshotMessage>();

        await sender.SendTextAsync("""{"type":"hello","name":"exactly at the limit is fine"}""".PadRight(1024));
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Name == "exactly at the limit is fine");

        await sender.SendTextAsync(new string(' ', 1025));
        await sender.WaitForCloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "sender");
    }

    [Fact]
    public async Task Cancelling_ARun_ClosesTheConnection_AndAnnouncesTheLeave()
    {
        await using var host = new EngineHost();
        await using var watcher = host.Connect("watcher", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();

        var (server, client) = StreamPresenceTransport.CreatePair();
        using var shutdown = new CancellationTokenSource();
        var run = Task.Run(() => host.Engine.RunAsync(server, new PresenceJoinRequest("leaving", null, null, Room), shutdown.Token));
        await using var leaving = new StreamTestClient(client, run);
        await leaving.WaitForAsync<SnapshotMessage>();

        await shutdown.CancelAsync();
        await leaving.WaitForCloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "leaving");
        await run.WaitAsync(PresenceTestClient.DefaultTimeout);
        await host.WaitForConnectionCountAsync(1);
    }

    [Fact]
    public async Task AnInvalidRoom_IsRefused()
    {
        await using var host = new EngineHost();
        await using var client = host.Connect("a", room: "not a room");
        await client.WaitForCloseAsync();
        Assert.Empty(client.Received);
    }

    private sealed class TickListener(Action onTick) : IPresenceTickListener
    {
        public ValueTask OnTickStartingAsync()
        {
            onTick();
            return default;
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
