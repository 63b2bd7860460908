namespace Presence.Testing.ScaleOut;

/// <summary>
/// One signed-in user in several tabs is one participant with several connections, whichever instances serve them:
/// every tab hears the room and speaks for the participant, and the participant leaves only when its last tab closes.
/// </summary>
public abstract class SignedInTabsBehaviorTests
{
    private const string Room = "doc";

    /// <summary>Starts a fleet of up to <paramref name="instances"/> instances.</summary>
    protected abstract Task<ScaleOutFleet> StartFleetAsync(int instances);

    private static async Task<PresenceTestClient> TabAsync(ScaleOutFleet fleet, string user, PresenceProtocolVersion version = PresenceProtocolVersion.V1, int instance = 0)
    {
        var client = await fleet.ConnectSignedInAsync(instance % fleet.InstanceCount, user, Room, version);
        var snapshot = await client.WaitForAsync<SnapshotMessage>();
        Assert.Equal(user, snapshot.SelfId);
        return client;
    }

    private static async Task<PresenceTestClient> WatchAsync(ScaleOutFleet fleet, string id)
    {
        var client = await fleet.ConnectAsync(fleet.InstanceCount - 1, id, id, "#654321", Room, PresenceProtocolVersion.V1);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task TwoTabs_AreOneParticipant_EitherSpeaksForIt_AndItLeavesWithTheLast(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await WatchAsync(fleet, "watcher");
        var first = await TabAsync(fleet, "alice", version);
        await using var second = await TabAsync(fleet, "alice", version);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));

        // The second tab moves and sets the state; the first stays open, and hears the room as the second does.
        await second.SendCursorAsync(0.2, 0.8);
        await second.SendTextAsync("""{"type":"state","set":{"status":"busy"}}""");
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.2 && a.State?.ToString() == """{"status":"busy"}""");
        await using var bob = await fleet.ConnectAsync(0, "bob", "Bob", "#000000", Room, PresenceProtocolVersion.V1);
        await bob.WaitForAsync<SnapshotMessage>();
        await first.WaitForRosterAsync(r => r.ContainsKey("bob"));
        await second.WaitForRosterAsync(r => r.ContainsKey("bob"));
        Assert.False(first.IsClosed);
        Assert.Single(await fleet.Rooms(0).GetParticipantsAsync(Room), u => u.Id == "alice");

        // The first tab closes: the second goes on as alice, with her state, and nobody hears her leave.
        await first.CloseAsync();
        await first.DisposeAsync();
        await second.SendCursorAsync(0.6, 0.4);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.6);
        await Task.Delay(ScaleOutFleet.DepartureGrace + TimeSpan.FromSeconds(1));
        await second.SendCursorAsync(0.7, 0.3);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.7);
        Assert.DoesNotContain(watcher.Received.OfType<LeaveMessage>(), l => l.Id == "alice");
        var alice = Assert.Single(await fleet.Rooms(0).GetParticipantsAsync(Room), u => u.Id == "alice");
        Assert.Equal("""{"status":"busy"}""", alice.State?.ToString());

        // The last tab closes: alice leaves, after her grace period.
        await second.CloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        await bob.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task TabsOnTwoInstances_AreOneParticipant_NeitherReplacesTheOther_AndItLeavesWithTheLast(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(3);
        await using var watcher = await WatchAsync(fleet, "watcher");
        var first = await TabAsync(fleet, "alice", version, instance: 0);
        await first.SendCursorAsync(0.25, 0.75);
        await first.SendTextAsync("""{"type":"state","set":{"status":"busy"}}""");
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.25 && a.State?.ToString() == """{"status":"busy"}""");
        var presencesBefore = watcher.Received.OfType<PresenceMessage>().Count(p => p.User.Id == "alice");

        // The second tab, elsewhere, finds her as she is, and nobody hears of it: no leave, no presence.
        await using var second = await fleet.ConnectSignedInAsync(1 % fleet.InstanceCount, "alice", Room, version);
        var snapshot = await second.WaitForAsync<SnapshotMessage>();
        var joined = Assert.Single(snapshot.Users, u => u.Id == "alice");
        Assert.Equal((0.25, """{"status":"busy"}"""), (joined.X, joined.State?.ToString()));

        // The second tab speaks for her: its state reaches everyone, and the first tab's instance holds it too.
        await second.SendCursorAsync(0.6, 0.4);
        await second.SendTextAsync("""{"type":"state","set":{"status":"away"}}""");
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.6 && a.State?.ToString() == """{"status":"away"}""");
        await first.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.State?.ToString() == """{"status":"away"}""");
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).GetParticipantsAsync(Room)).Any(u => u.Id == "alice" && u.State?.ToString() == """{"status":"away"}""" && u.X == 0.6));

        // And the first tab still does, as she is now.
        await first.SendCursorAsync(0.1, 0.2);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.1 && a.State?.ToString() == """{"status":"away"}""");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(first.IsClosed);
        Assert.False(second.IsClosed);
        Assert.Single(await fleet.Rooms(fleet.InstanceCount - 1).GetParticipantsAsync(Room), u => u.Id == "alice");

        // The first tab closes: she stays, with the second, past her grace period.
        await first.CloseAsync();
        await first.DisposeAsync();
        await Task.Delay(ScaleOutFleet.DepartureGrace + TimeSpan.FromSeconds(1));
        await second.SendCursorAsync(0.7, 0.3);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.7 && a.State?.ToString() == """{"status":"away"}""");
        Assert.DoesNotContain(watcher.Received.OfType<LeaveMessage>(), l => l.Id == "alice");
        Assert.Single(await fleet.Rooms(0).GetParticipantsAsync(Room), u => u.Id == "alice");

        // The last one closes: she leaves, after her grace period, everywhere.
        await second.CloseAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
        Assert.True(watcher.Received.OfType<PresenceMessage>().Count(p => p.User.Id == "alice") >= presencesBefore);
    }

    [Fact]
    public async Task AChangeMadeJustBeforeATabCloses_ReachesTheOtherTabs()
    {
        await using var fleet = await StartFleetAsync(3);
        await using var watcher = await WatchAsync(fleet, "watcher");
        await using var stays = await TabAsync(fleet, "alice", instance: 0);
        var closes = await TabAsync(fleet, "alice", PresenceProtocolVersion.V2, instance: 1);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));

        // The state waits for the tick; the tab closes before it comes.
        await closes.SendTextAsync("""{"type":"state","set":{"status":"away"}}""");
        await closes.CloseAsync();
        await closes.DisposeAsync();

        await watcher.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.State?.ToString() == """{"status":"away"}""");
        await stays.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.State?.ToString() == """{"status":"away"}""");
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).GetParticipantsAsync(Room)).Any(u => u.Id == "alice" && u.State?.ToString() == """{"status":"away"}"""));
    }

    [Fact]
    public async Task AKick_ClosesEveryTab_OnEveryInstance()
    {
        await using var fleet = await StartFleetAsync(3);
        await using var watcher = await WatchAsync(fleet, "watcher");
        await using var first = await TabAsync(fleet, "alice", instance: 0);
        await using var second = await TabAsync(fleet, "alice", instance: 1);
        await using var third = await TabAsync(fleet, "alice", instance: 1);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("alice"));

        Assert.True(await fleet.Rooms(fleet.InstanceCount - 1).KickAsync(Room, "alice"));
        foreach (var tab in new[] { first, second, third })
        {
            await tab.WaitForCloseAsync();
            if (tab.CloseStatus is { } status)
            {
                Assert.Equal(PresenceCloseStatus.Kicked, status);
            }
        }

        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
        for (var i = 0; i < fleet.InstanceCount; i++)
        {
            await Eventually.HoldsAsync(async () => (await fleet.Rooms(i).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
        }
    }

    [Fact]
    public async Task TabsPastTheCap_CloseTheOldestFurtherTab_AndTheFirstStays()
    {
        await using var fleet = await StartFleetAsync(1);
        var cap = ScaleOutFleet.TestOptions().MaxConnectionsPerParticipant;
        var tabs = new List<PresenceTestClient>();
        try
        {
            for (var i = 0; i < cap + 3; i++)
            {
                tabs.Add(await TabAsync(fleet, "alice"));
            }

            // The first owns the participant; the second, third and fourth were the oldest further tabs.
            for (var i = 1; i <= 3; i++)
            {
                await tabs[i].WaitForCloseAsync();
                if (tabs[i].CloseStatus is { } status)
                {
                    Assert.Equal(PresenceCloseStatus.Replaced, status);
                }
            }

            await tabs[0].SendCursorAsync(0.9, 0.9);
            await tabs[^1].WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.9);
            Assert.All(tabs.Skip(4).Prepend(tabs[0]), t => Assert.False(t.IsClosed));
        }
        finally
        {
            foreach (var tab in tabs)
            {
                await tab.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AnonymousClients_WithOneId_StillReplaceEachOther()
    {
        await using var fleet = await StartFleetAsync(1);
        var first = await fleet.ConnectAsync(0, "carol", "Carol", "#000000", Room, PresenceProtocolVersion.V1);
        await first.WaitForAsync<SnapshotMessage>();
        await using var second = await fleet.ConnectAsync(0, "carol", "Carol", "#000000", Room, PresenceProtocolVersion.V1);
        await second.WaitForAsync<SnapshotMessage>();
        await first.WaitForCloseAsync();
        if (first.CloseStatus is { } status)
        {
            Assert.Equal(PresenceCloseStatus.Replaced, status);
        }

        await first.DisposeAsync();
    }
}
