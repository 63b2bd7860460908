namespace Presence.Testing.ScaleOut;

/// <summary>
/// The grace period of a signed-in participant whose last connection ended
/// (<see cref="PresenceOptions.DepartureGracePeriod"/>, <see cref="ScaleOutFleet.DepartureGrace"/> here): a reconnect
/// within it, to the same instance or another, announces no <c>leave</c>; without one, everyone gets the
/// <c>leave</c> once it is over. Anonymous participants leave at once.
/// </summary>
public abstract class DepartureGraceBehaviorTests
{
    private const string Room = "doc";

    /// <summary>Starts a fleet of up to <paramref name="instances"/> instances.</summary>
    protected abstract Task<ScaleOutFleet> StartFleetAsync(int instances);

    private static async Task<PresenceTestClient> SignInAsync(ScaleOutFleet fleet, int instance, string user, PresenceProtocolVersion version = PresenceProtocolVersion.V1)
    {
        var client = await fleet.ConnectSignedInAsync(instance % fleet.InstanceCount, user, Room, version);
        var snapshot = await client.WaitForAsync<SnapshotMessage>();
        Assert.Equal(user, snapshot.SelfId);
        return client;
    }

    private static async Task<PresenceTestClient> WatchAsync(ScaleOutFleet fleet, int instance, string id)
    {
        var client = await fleet.ConnectAsync(instance % fleet.InstanceCount, id, id, "#654321", Room, PresenceProtocolVersion.V1);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Theory]
    [InlineData(0, PresenceProtocolVersion.V1)]
    [InlineData(1, PresenceProtocolVersion.V2)]
    public async Task AReconnectWithinTheGrace_ToEitherInstance_AnnouncesNoLeave(int reconnectTo, PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await WatchAsync(fleet, 1, "watcher");
        var first = await SignInAsync(fleet, 0, "alice", version);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));
        var presencesBefore = watcher.Received.OfType<PresenceMessage>().Count(p => p.User.Id == "alice");

        // The tab reloads: its socket closes cleanly, and the new one comes back at once.
        await first.CloseAsync();
        await first.DisposeAsync();

        // Long enough for any departure to be done with, well within the grace period.
        await Task.Delay(ScaleOutFleet.DepartureGrace / 6);
        await using var second = await SignInAsync(fleet, reconnectTo, "alice", version);
        await second.SendCursorAsync(0.25, 0.75);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.25);

        // Past the grace period of the first connection, and then some: still no leave, alice is there once, and
        // nobody heard of her new connection (it joined her as she was): only her moves.
        await Task.Delay(ScaleOutFleet.DepartureGrace * 2);
        await second.SendCursorAsync(0.5, 0.5);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.5);
        Assert.DoesNotContain(watcher.Received.OfType<LeaveMessage>(), l => l.Id == "alice");
        Assert.Equal(presencesBefore, watcher.Received.OfType<PresenceMessage>().Count(p => p.User.Id == "alice"));
        var participants = await fleet.Rooms(0).GetParticipantsAsync(Room);
        Assert.Single(participants, u => u.Id == "alice");

        // Its new connection is alice in full: it leaves, after its own grace, with a leave everyone sees.
        await second.CloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(fleet.InstanceCount - 1).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
    }

    [Fact]
    public async Task WithoutAReconnect_TheParticipantStaysForTheGrace_ThenEveryoneGetsItsLeave()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await WatchAsync(fleet, 1, "watcher");
        await using var alice = await SignInAsync(fleet, 0, "alice");
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));

        await alice.CloseAsync();
        await Task.Delay(ScaleOutFleet.DepartureGrace / 6);

        // Within the grace period (a slow machine only makes it end later): a newcomer still finds alice.
        await using var late = await fleet.ConnectAsync(0, "late", "Late", "#000000", Room, PresenceProtocolVersion.V1);
        var snapshot = await late.WaitForAsync<SnapshotMessage>();
        Assert.Contains(snapshot.Users, u => u.Id == "alice");

        foreach (var client in new[] { watcher, late })
        {
            await client.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
            Assert.False(client.Roster.ContainsKey("alice"));
        }

        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
    }

    [Fact]
    public async Task AnAnonymousParticipant_LeavesAtOnce_WhileASignedInOne_Lingers()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await WatchAsync(fleet, 1, "watcher");
        await using var alice = await SignInAsync(fleet, 0, "alice");
        await using var bob = await WatchAsync(fleet, 0, "bob");
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice") && r.ContainsKey("bob"));

        // Alice's socket ends first, Bob's after: Bob's leave overtakes Alice's, which waits out her grace.
        await alice.CloseAsync();
        await bob.CloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "bob");
        Assert.True(watcher.Roster.ContainsKey("alice"));
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        Assert.Equal(["bob", "alice"], watcher.Received.OfType<LeaveMessage>().Select(l => l.Id));
    }

    [Fact]
    public async Task AKick_EndsTheGrace_AndTheLeaveGoesOut()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await WatchAsync(fleet, 1, "watcher");
        await using var alice = await SignInAsync(fleet, 0, "alice");
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));
        await alice.CloseAsync();

        // From the instance that does not serve her: it asks the others, and hers ends the grace.
        Assert.True(await fleet.Rooms(fleet.InstanceCount - 1).KickAsync(Room, "alice"));
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
    }
}
