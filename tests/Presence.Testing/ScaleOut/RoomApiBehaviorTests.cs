using System.Text.Json;

namespace Presence.Testing.ScaleOut;

/// <summary>
/// What an application builds on: custom presence state, and the room API (<see cref="IPresenceRooms"/>), as clients
/// and application code see them on every instance. Run on the in-memory store (one instance), in process, and on
/// Redis (one node and a cluster). Clients are spread over the instances a fleet has.
/// </summary>
public abstract class RoomApiBehaviorTests
{
    private const string Room = "board";

    /// <summary>Starts a fleet of up to <paramref name="instances"/> instances.</summary>
    protected abstract Task<ScaleOutFleet> StartFleetAsync(int instances);

    private static async Task<PresenceTestClient> JoinAsync(ScaleOutFleet fleet, int instance, string id, PresenceProtocolVersion version = PresenceProtocolVersion.V1, string room = Room)
    {
        var client = await fleet.ConnectAsync(instance % fleet.InstanceCount, id, id, "#123456", room, version);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    private static string? StateOf(PresenceTestClient client, string id) =>
        client.Roster.TryGetValue(id, out var user) ? user.State?.ToString() : null;

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task State_MergesAndReplaces_ReachingEveryInstance_InPresenceAndSnapshot_NeverInCursors(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice", version);
        await using var bob = await JoinAsync(fleet, 1, "bob", version);

        await alice.SendTextAsync("""{"type":"state","set":{"status":"busy","selection":[1,2]}}""");
        await bob.WaitForRosterAsync(r => StateOf(bob, "alice") == """{"status":"busy","selection":[1,2]}""");

        // A partial update: a null removes its key, a new key is added, the others stay.
        await alice.SendTextAsync("""{"type":"state","set":{"status":null,"viewport":{"x":0,"zoom":1.5}}}""");
        await bob.WaitForRosterAsync(r => StateOf(bob, "alice") == """{"selection":[1,2],"viewport":{"x":0,"zoom":1.5}}""");

        // A cursor carries no state, and the receiver's reducer keeps the state it knew.
        await alice.SendCursorAsync(0.3, 0.7);
        await bob.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.3);
        Assert.Equal("""{"selection":[1,2],"viewport":{"x":0,"zoom":1.5}}""", StateOf(bob, "alice"));
        Assert.All(bob.Received.OfType<CursorMessage>(), c => Assert.Null(c.User.State));

        await alice.SendTextAsync("""{"type":"state","replace":{"status":"away"}}""");
        await bob.WaitForRosterAsync(r => StateOf(bob, "alice") == """{"status":"away"}""");

        // A newcomer on either instance reads it in its snapshot, and so does the room API.
        for (var instance = 0; instance < fleet.InstanceCount; instance++)
        {
            await using var late = await fleet.ConnectAsync(instance, "late", "Late", "#000000", Room, version);
            var snapshot = await late.WaitForAsync<SnapshotMessage>();
            Assert.Equal("""{"status":"away"}""", snapshot.Users.Single(u => u.Id == "alice").State?.ToString());
            await late.CloseAsync();
        }

        await Eventually.HoldsAsync(async () =>
            (await fleet.Rooms(fleet.InstanceCount - 1).GetParticipantsAsync(Room)).SingleOrDefault(u => u.Id == "alice")?.State?.ToString() == """{"status":"away"}""");

        // An empty replacement clears it: the wire then has no state at all, as for a client that never set one.
        await alice.SendTextAsync("""{"type":"state","replace":{}}""");
        await bob.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.State is null);
        Assert.DoesNotContain(bob.RawFrames, f => f.Contains("\"cursor\"", StringComparison.Ordinal) && f.Contains("\"state\":{", StringComparison.Ordinal) && !f.Contains("\"presence\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task State_PastItsBounds_OrMalformed_IsIgnored_AndTheLastGoodStateStays()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice");
        await using var bob = await JoinAsync(fleet, 1, "bob");
        await alice.SendTextAsync("""{"type":"state","set":{"status":"ok"}}""");
        await bob.WaitForRosterAsync(r => StateOf(bob, "alice") == """{"status":"ok"}""");

        // Past the default 1 KiB, past the default depth of 4, not an object, a duplicate key: each is ignored.
        var big = new string('x', 1100);
        await alice.SendTextAsync($$$"""{"type":"state","set":{"big":"{{{big}}}"}}""");
        await alice.SendTextAsync("""{"type":"state","set":{"deep":{"a":{"b":{"c":{"d":1}}}}}}""");
        await alice.SendTextAsync("""{"type":"state","set":[1,2,3]}""");
        await alice.SendTextAsync("""{"type":"state","set":"busy"}""");
        await alice.SendTextAsync("""{"type":"state","set":{"status":"a","status":"b"}}""");
        await alice.SendTextAsync("""{"type":"state"}""");

        // Many small updates that merge past the bound are refused too: each keeps the last state that fit.
        for (var i = 0; i < 20; i++)
        {
            await alice.SendTextAsync($$$"""{"type":"state","set":{"k{{{i}}}":"{{{new string('y', 60)}}}"}}""");
        }

        await alice.SendTextAsync("""{"type":"state","set":{"status":"final"}}""");
        await bob.WaitForRosterAsync(r => bob.Roster.TryGetValue("alice", out var a) && a.State is { } s && s.TryGetValue("status", out var v) && v.GetString() == "final");
        var state = bob.Roster["alice"].State!;
        Assert.True(state.Utf8Json.Length <= 1024, $"The state grew past its bound: {state.Utf8Json.Length} bytes.");
        Assert.False(state.TryGetValue("big", out _));
        Assert.False(state.TryGetValue("deep", out _));
        Assert.DoesNotContain(bob.RawFrames, f => f.Contains(big, StringComparison.Ordinal));

        // Alice's connection is still served.
        await alice.SendCursorAsync(0.9, 0.1);
        await bob.WaitForRosterAsync(r => r["alice"].X == 0.9);
    }

    [Fact]
    public async Task State_UpdatesInABurst_AreCoalesced_AndTheLastOneWins()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice");
        await using var bob = await JoinAsync(fleet, 1, "bob");

        const int updates = 200;
        for (var i = 0; i < updates; i++)
        {
            await alice.SendTextAsync($$$"""{"type":"state","set":{"n":{{{i}}}}}""");
        }

        await bob.WaitForRosterAsync(r => StateOf(bob, "alice") == $$"""{"n":{{updates - 1}}}""");
        var seen = bob.Received.OfType<PresenceMessage>().Count(p => p.User.Id == "alice" && p.User.State is not null);

        // Ten a second with a burst of ten: a burst of 200 sent in well under a few seconds reaches Bob as a few dozen.
        Assert.True(seen < updates / 2, $"Bob got {seen} of {updates} state updates: they were not coalesced.");
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task SetInfo_FromAnyInstance_ReachesEveryone_AndTheClientCannotChangeIt(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice", version);
        await using var bob = await JoinAsync(fleet, 1, "bob", version);
        var rooms = fleet.Rooms(fleet.InstanceCount - 1);

        Assert.True(await rooms.SetInfoAsync(Room, "alice", PresenceState.Parse("""{"role":"editor"}""")));
        await bob.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.Info?.ToString() == """{"role":"editor"}""");
        await alice.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.Info?.ToString() == """{"role":"editor"}""");

        // What the client sends is its state, never its info; a hello or a cursor leaves the info alone.
        await alice.SendTextAsync("""{"type":"state","set":{"role":"admin"},"info":{"role":"admin"}}""");
        await alice.SendTextAsync("""{"type":"hello","name":"Alice","color":"#abcdef","info":{"role":"admin"}}""");
        await alice.SendCursorAsync(0.5, 0.25);
        await bob.WaitForRosterAsync(r => r["alice"].Name == "Alice" && StateOf(bob, "alice") == """{"role":"admin"}""" && r["alice"].Y == 0.25);
        Assert.Equal("""{"role":"editor"}""", bob.Roster["alice"].Info?.ToString());
        var participants = await fleet.Rooms(0).GetParticipantsAsync(Room);
        await Eventually.HoldsAsync(async () =>
            (await fleet.Rooms(0).GetParticipantsAsync(Room)).SingleOrDefault(u => u.Id == "alice")?.Info?.ToString() == """{"role":"editor"}""");

        // Removed with null; a participant nobody has is reported as not found.
        Assert.True(await rooms.SetInfoAsync(Room, "alice", null));
        await bob.WaitForRosterAsync(r => r["alice"].Info is null);
        Assert.False(await rooms.SetInfoAsync(Room, "nobody", PresenceState.Parse("""{"role":"x"}""")));
        Assert.False(await rooms.SetInfoAsync("bad room!", "alice", null));
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task Kick_ClosesTheParticipantWith4004_AndEveryInstanceAnnouncesItsLeave(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(3);
        var alice = await JoinAsync(fleet, 0, "alice", version);
        await using var bob = await JoinAsync(fleet, 1, "bob", version);
        await using var carol = await JoinAsync(fleet, 2, "carol", version);
        await using var dave = await JoinAsync(fleet, 0, "dave", version);
        foreach (var client in new[] { bob, carol, dave })
        {
            await client.WaitForRosterAsync(r => r.ContainsKey("alice") && r.ContainsKey("bob") && r.ContainsKey("carol") && r.ContainsKey("dave"));
        }

        // Kicked from an instance that does not serve her.
        Assert.True(await fleet.Rooms(1).KickAsync(Room, "alice"));
        await alice.WaitForCloseAsync();
        if (alice.CloseStatus is { } status)
        {
            Assert.Equal(PresenceCloseStatus.Kicked, status);
        }

        await alice.DisposeAsync();
        foreach (var client in new[] { bob, carol, dave })
        {
            await client.WaitForAsync<LeaveMessage>(l => l.Id == "alice");
            Assert.False(client.Roster.ContainsKey("alice"));
        }

        await Eventually.HoldsAsync(async () => (await fleet.Rooms(2).GetParticipantsAsync(Room)).All(u => u.Id != "alice"));
        Assert.False(await fleet.Rooms(0).KickAsync(Room, "alice"));
        Assert.False(await fleet.Rooms(0).KickAsync(Room, "not an id"));

        // The others stay, and no client ever saw the instances' control messages.
        await bob.SendCursorAsync(0.6, 0.6);
        await dave.WaitForRosterAsync(r => r.TryGetValue("bob", out var b) && b.X == 0.6);
        Assert.All(new[] { bob, carol, dave }, c => Assert.DoesNotContain(c.RawFrames, f => f.Contains("control", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AKickedClient_ThatKeepsSending_IsNoLongerRelayed_AndLeavesAtOnce()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice");
        await using var bob = await JoinAsync(fleet, 1, "bob");
        await using var dave = await JoinAsync(fleet, 0, "dave");
        await bob.WaitForRosterAsync(r => r.ContainsKey("alice") && r.ContainsKey("dave"));

        // Kicked where she is served: she is out of the room when the call returns, whether or not her client ever
        // answers the close.
        Assert.True(await fleet.Rooms(0).KickAsync(Room, "alice"));
        await alice.SendCursorAsync(0.99, 0.99);
        await alice.SendTextAsync("""{"type":"hello","name":"Still here"}""");
        await bob.WaitForAsync<LeaveMessage>(l => l.Id == "alice");

        // Dave's move goes out after anything of hers would have.
        await dave.SendCursorAsync(0.42, 0.42);
        await bob.WaitForRosterAsync(r => r.TryGetValue("dave", out var d) && d.X == 0.42);
        Assert.False(bob.Roster.ContainsKey("alice"));
        Assert.DoesNotContain(bob.Received, m => m is CursorMessage { User.Id: "alice", User.X: 0.99 } or PresenceMessage { User.Name: "Still here" });
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task Send_DeliversAnAppEvent_ToEveryInstance_InOrder_AndTheRosterIgnoresIt(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(3);
        await using var alice = await JoinAsync(fleet, 0, "alice", version);
        await using var bob = await JoinAsync(fleet, 1, "bob", version);
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));

        // From an instance with members in the room and from one without any (the third, on a fleet of three).
        foreach (var sender in Enumerable.Range(0, fleet.InstanceCount).Distinct())
        {
            for (var i = 0; i < 3; i++)
            {
                await fleet.Rooms(sender).SendAsync(Room, "comment-added", PresenceState.Parse($$"""{"from":{{sender}},"seq":{{i}}}"""));
            }

            foreach (var client in new[] { alice, bob })
            {
                for (var i = 0; i < 3; i++)
                {
                    var ev = await client.WaitForAsync<EventMessage>();
                    Assert.Equal("comment-added", ev.Name);
                    Assert.Equal($$"""{"from":{{sender}},"seq":{{i}}}""", ev.Data.ToString());
                }
            }
        }

        Assert.Equal(["alice", "bob"], alice.Roster.Keys.Order());
        await Assert.ThrowsAsync<ArgumentException>(async () => await fleet.Rooms(0).SendAsync(Room, "no spaces", PresenceState.Empty));

        // A room nobody is in: sent, and nobody hears it.
        await fleet.Rooms(0).SendAsync("elsewhere", "ping", PresenceState.Empty);
        await fleet.Rooms(0).SendAsync(Room, "last", PresenceState.Empty);
        var last = await bob.WaitForAsync<EventMessage>();
        Assert.Equal("last", last.Name);
    }

    [Fact]
    public async Task ListAndParticipants_CoverEveryInstance_AndFollowDepartures()
    {
        await using var fleet = await StartFleetAsync(2);
        await using var alice = await JoinAsync(fleet, 0, "alice");
        var bob = await JoinAsync(fleet, 1, "bob");
        await using var carol = await JoinAsync(fleet, 1, "carol", room: "other");

        await Eventually.HoldsAsync(async () =>
        {
            var rooms = await fleet.Rooms(0).ListAsync();
            return rooms.SingleOrDefault(r => r.Name == Room)?.Participants == 2 && rooms.SingleOrDefault(r => r.Name == "other")?.Participants == 1;
        });
        var participants = await fleet.Rooms(0).GetParticipantsAsync(Room);
        Assert.Equal(["alice", "bob"], participants.Select(u => u.Id).Order());
        Assert.Empty(await fleet.Rooms(0).GetParticipantsAsync("nobody-here"));
        Assert.Empty(await fleet.Rooms(0).GetParticipantsAsync("not a room!"));

        await bob.CloseAsync();
        await bob.DisposeAsync();
        await Eventually.HoldsAsync(async () =>
            (await fleet.Rooms(fleet.InstanceCount - 1).ListAsync()).SingleOrDefault(r => r.Name == Room)?.Participants == 1
            && (await fleet.Rooms(0).GetParticipantsAsync(Room)).Select(u => u.Id).SequenceEqual(["alice"]));

        await carol.CloseAsync();
        await Eventually.HoldsAsync(async () => (await fleet.Rooms(0).ListAsync()).All(r => r.Name != "other"));
    }

    [Fact]
    public void StateJson_IsWhatTheTestsCompare()
    {
        // The comparisons above read the state's compact JSON: keys in the order first set, no whitespace.
        var state = PresenceState.Parse("""{ "b" : 1, "a" : [ 1 , 2 ] }""").Merge(PresenceState.Parse("""{"c":true}"""));
        Assert.Equal("""{"b":1,"a":[1,2],"c":true}""", state.ToString());
        Assert.Equal(JsonValueKind.Object, state.RootElement.ValueKind);
    }
}
