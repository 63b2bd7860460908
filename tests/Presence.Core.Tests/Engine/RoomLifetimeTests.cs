using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>Joins and departures that race with the store's round trips, on one instance.</summary>
public sealed class RoomLifetimeTests
{
    private const string Room = "room";

    [Fact]
    public async Task AJoin_WhileTheRoomsLastLeaveAwaitsTheStore_GetsItsSnapshotAtOnce()
    {
        var store = new GatedRoster(new InMemoryPresenceRoster());
        await using var host = new EngineHost(store);
        var last = host.Connect("last", room: Room);
        await last.WaitForAsync<SnapshotMessage>();

        var removal = store.HoldRelease("last");
        await last.CloseAsync();
        await removal.WaitUntilReachedAsync();

        // The departure is still on its way to the store; a newcomer is served all the same.
        await using var next = host.Connect("next", room: Room);
        var snapshot = await next.WaitForAsync<SnapshotMessage>();
        Assert.Contains(snapshot.Users, u => u.Id == "next");
        Assert.False(removal.Opened.Task.IsCompleted);

        removal.Open();
        await last.ServerRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        await using var third = host.Connect("third", room: Room);
        Assert.Equal(["next", "third"], (await third.WaitForAsync<SnapshotMessage>()).Users.Select(u => u.Id).Order());
        await next.WaitForAsync<PresenceMessage>(p => p.User.Id == "third");
    }

    [Fact]
    public async Task AConnectionReplacedWhileItJoins_NeitherWritesNorAnnouncesItsStaleParticipant()
    {
        var store = new CountingRoster(new InMemoryPresenceRoster());
        var backplane = new GatedBackplane();
        await using var host = new EngineHost(store, backplane: backplane);

        // An earlier session of the participant: its resume token lets the newer connection below take over.
        await using (var earlier = host.Connect("same", name: "Earlier", room: Room))
        {
            await earlier.WaitForAsync<SnapshotMessage>();
        }

        await host.WaitForConnectionCountAsync(0);
        var writesBefore = store.WritesOf("same");

        // The first connection of the room waits for the room's subscription, the last step before it claims its
        // participant; a newer connection with the same id takes its place meanwhile.
        var holding = backplane.HoldNextSubscriptionAsync();
        var old = host.Connect("same", name: "Old", room: Room);
        await holding;
        await using var newer = host.Connect("same", name: "New", room: Room);
        await host.WaitForConnectionCountAsync(2);

        backplane.Open();
        await newer.WaitForAsync<SnapshotMessage>();
        await old.ServerRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        await old.DisposeAsync();

        // Whatever the older one announced would reach a member before this sentinel: outboxes are in order.
        await using var witness = host.Connect("witness", room: Room);
        await witness.WaitForAsync<SnapshotMessage>();
        await using var sentinel = host.Connect("sentinel", room: Room);
        await witness.WaitForAsync<PresenceMessage>(p => p.User.Id == "sentinel");
        await newer.WaitForAsync<PresenceMessage>(p => p.User.Id == "sentinel");
        Assert.Equal("New", witness.Roster["same"].Name);
        Assert.DoesNotContain(newer.Received, m => m is PresenceMessage { User.Name: "Old" });
        Assert.Equal("New", Assert.Single(await store.SnapshotAsync(Room), u => u.Id == "same").Name);
        Assert.Equal(1, store.WritesOf("same") - writesBefore);
    }

    [Fact]
    public async Task WithOneConnectionPerParticipant_ASignedInUsersNewTab_ReplacesTheOld()
    {
        await using var host = new EngineHost(options: new PresenceOptions { MaxConnectionsPerParticipant = 1 });
        await using var watcher = host.Connect("watcher", room: Room);
        await watcher.WaitForAsync<SnapshotMessage>();
        var old = host.Connect("alice", room: Room, signedIn: true);
        await old.WaitForAsync<SnapshotMessage>();

        // The newer tab owns her alone; the older one is closed, and she never left.
        await using var newer = host.Connect("alice", room: Room, signedIn: true);
        await newer.WaitForAsync<SnapshotMessage>();
        await old.WaitForCloseAsync();
        await old.DisposeAsync();
        await newer.SendCursorAsync(0.3, 0.6);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.3);
        Assert.DoesNotContain(watcher.Received.OfType<LeaveMessage>(), l => l.Id == "alice");
        Assert.False(newer.IsClosed);
    }
}
