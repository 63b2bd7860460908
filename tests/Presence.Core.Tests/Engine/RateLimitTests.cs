using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>A sender past its buckets is coalesced in its own connection: the others, and the store, see a bounded rate.</summary>
public sealed class RateLimitTests
{
    private const string Room = "rates";

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));

    [Fact]
    public async Task AHelloFlood_IsWrittenAndRelayedAtTheBucketsRate_AndTheLatestNameWins()
    {
        var store = new CountingRoster(new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions()), _time));
        await using var host = new EngineHost(store, timeProvider: _time);
        await using var flooder = host.Connect("flooder", room: Room);
        await using var watcher = host.Connect("watcher", room: Room);
        await flooder.WaitForAsync<SnapshotMessage>();
        await watcher.WaitForAsync<SnapshotMessage>();
        var joinWrites = store.WritesOf("flooder");

        for (var i = 1; i <= 200; i++)
        {
            await flooder.SendHelloAsync($"name {i}", null);
        }

        // The burst goes through at once; the rest waits, coalesced, whatever the flood.
        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Name == $"name {host.Options.HelloBurst}");
        await Task.Delay(200);
        Assert.Equal(joinWrites + host.Options.HelloBurst, store.WritesOf("flooder"));
        Assert.Equal(host.Options.HelloBurst, Renames(watcher));

        // A token later, the latest name goes out, once.
        for (var step = 0; step < 20; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }

        await watcher.WaitForAsync<PresenceMessage>(p => p.User.Name == "name 200");
        await Eventually.HoldsAsync(async () => (await store.SnapshotAsync(Room)).Any(u => u.Name == "name 200"));
        Assert.True(store.WritesOf("flooder") <= joinWrites + host.Options.HelloBurst + 2);
        Assert.True(Renames(watcher) <= host.Options.HelloBurst + 2);
    }

    // The presences that tell of the flood, not the one of the flooder's join.
    private static int Renames(PresenceTestClient watcher) =>
        watcher.Received.Count(m => m is PresenceMessage { User.Id: "flooder" } p && p.User.Name.StartsWith("name ", StringComparison.Ordinal));

    [Fact]
    public async Task ACursorFlood_IsRelayedAtTheBucketsRate_AndTheLastPositionArrives()
    {
        await using var host = new EngineHost(timeProvider: _time);
        await using var flooder = host.Connect("flooder", room: Room);
        await using var watcher = host.Connect("watcher", room: Room);
        await flooder.WaitForAsync<SnapshotMessage>();
        await watcher.WaitForAsync<SnapshotMessage>();

        for (var i = 1; i <= 1000; i++)
        {
            await flooder.SendCursorAsync(i / 1000.0, 0.5);
        }

        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == host.Options.CursorBurst / 1000.0);
        await Task.Delay(200);
        Assert.Equal(host.Options.CursorBurst, watcher.Received.Count(m => m is CursorMessage));

        for (var step = 0; step < 10; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }

        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == 1.0);
        Assert.True(watcher.Received.Count(m => m is CursorMessage) <= host.Options.CursorBurst + 2);
    }

    [Fact]
    public async Task AHeldMove_NeverFollowsTheSendersLeave()
    {
        await using var host = new EngineHost(timeProvider: _time);
        await using var watcher = host.Connect("watcher", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        var flooder = host.Connect("flooder", room: Room);
        await flooder.WaitForAsync<SnapshotMessage>();

        for (var i = 1; i <= host.Options.CursorBurst + 10; i++)
        {
            await flooder.SendCursorAsync(i / 1000.0, 0.5);
        }

        await flooder.DisposeAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "flooder");
        for (var step = 0; step < 10; step++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(5);
        }

        await Task.Delay(100);
        var last = watcher.Received.Last(m => m is LeaveMessage or CursorMessage { User.Id: "flooder" });
        Assert.IsType<LeaveMessage>(last);
        Assert.DoesNotContain("flooder", watcher.Roster.Keys);
    }
}
