namespace Presence.Testing;

/// <summary>
/// The engine's behaviour as a client sees it: the seed's protocol, with its holes closed. Every transport runs
/// this same suite. Each test uses a room of its own, so that tests can share one server.
/// </summary>
public abstract class PresenceBehaviorTests
{
    protected string Room { get; } = "t" + Guid.NewGuid().ToString("N");

    /// <summary>Gets a value telling whether a client receives its own events back: in v2 frames it may.</summary>
    protected virtual bool MayEchoOwnEvents => false;

    /// <summary>Connects a client with the given query; <paramref name="room"/> defaults to the test's own room.</summary>
    protected abstract Task<PresenceTestClient> ConnectAsync(string? id, string? name = null, string? color = null, string? room = null);

    protected async Task<PresenceTestClient> JoinAsync(string id, string name = "Tester", string color = "#112233", string? room = null)
    {
        var client = await ConnectAsync(id, name, color, room ?? Room);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Fact]
    public async Task Snapshot_IsTheFirstMessage_AndListsEveryoneWithSelf()
    {
        await using var alice = await ConnectAsync("alice", "Alice", "#ff0000", Room);
        var first = await alice.NextAsync();
        var snapshot = Assert.IsType<SnapshotMessage>(first);
        Assert.Equal("alice", snapshot.SelfId);
        Assert.Equal("memory", snapshot.StateStore);
        var self = Assert.Single(snapshot.Users);
        Assert.Equal(("alice", "Alice", "#ff0000", 0.5, 0.5), (self.Id, self.Name, self.Color, self.X, self.Y));

        await using var bob = await ConnectAsync("bob", "Bob", "#00ff00", Room);
        var bobFirst = Assert.IsType<SnapshotMessage>(await bob.NextAsync());
        Assert.Equal(["alice", "bob"], bobFirst.Users.Select(u => u.Id).Order());
    }

    [Fact]
    public async Task Join_AnnouncesPresence_ToTheOthers()
    {
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob", "Bob", "#00ff00");

        var presence = await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "bob");
        Assert.Equal(("bob", "Bob", "#00ff00"), (presence.User.Id, presence.User.Name, presence.User.Color));
    }

    [Fact]
    public async Task Cursor_IsRelayedToOthers_AndNeverEchoed()
    {
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob");

        await alice.SendCursorAsync(0.25, 0.75);
        var cursor = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal(("alice", 0.25, 0.75), (cursor.User.Id, cursor.User.X, cursor.User.Y));

        // Alice's messages are handled in order and her outbox is FIFO: an echo would arrive before this presence.
        await alice.SendHelloAsync("Alice", "#112233");
        await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "alice");
        if (!MayEchoOwnEvents)
        {
            Assert.DoesNotContain(alice.Received, m => m is CursorMessage c && c.User.Id == "alice");
        }
    }

    [Fact]
    public async Task Cursor_IsClamped_AndNonFiniteKeepsThePreviousValue()
    {
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob");

        await alice.SendTextAsync("""{"type":"cursor","x":-3,"y":42}""");
        var clamped = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal((0.0, 1.0), (clamped.User.X, clamped.User.Y));

        await alice.SendTextAsync("""{"type":"cursor","x":1e400,"y":"0.3"}""");
        var kept = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal((0.0, 1.0), (kept.User.X, kept.User.Y));

        await alice.SendTextAsync("""{"y":0.4,"extra":{"nested":[1,2,{"a":null}]},"type":"cursor","x":0.3}""");
        var reordered = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal((0.3, 0.4), (reordered.User.X, reordered.User.Y));
    }

    [Fact]
    public async Task Hello_UpdatesEveryone_WithCleanedValues()
    {
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob");

        await alice.SendHelloAsync("  Al\u0001ice the very long named participant  ", "not-a-colour");
        var toBob = await bob.WaitForAsync<PresenceMessage>(p => p.User.Id == "alice" && p.User.Name != "Tester");
        Assert.Equal("Alice the very long named pa", toBob.User.Name);
        Assert.Equal("#112233", toBob.User.Color);

        // The seed announces a hello to everyone, the sender included.
        var toAlice = await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "alice" && p.User.Name != "Tester");
        Assert.Equal(toBob.User, toAlice.User);

        await alice.SendHelloAsync("Ally", "#ABCDEF");
        await bob.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.Name == "Ally" && a.Color == "#ABCDEF");
    }

    [Fact]
    public async Task Close_SendsLeave_ToTheOthers()
    {
        await using var alice = await JoinAsync("alice");
        var bob = await JoinAsync("bob");
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));

        await bob.CloseAsync();
        var leave = await alice.WaitForAsync<LeaveMessage>();
        Assert.Equal("bob", leave.Id);
        Assert.False(alice.Roster.ContainsKey("bob"));
        await bob.DisposeAsync();

        await using var carol = await JoinAsync("carol");
        Assert.Equal(["alice", "carol"], carol.Roster.Keys.Order());
    }

    [Fact]
    public async Task Reconnect_WithTheSameId_ReplacesTheOldConnection_AndAnnouncesNoLeave()
    {
        await using var observer = await JoinAsync("observer");
        await using var first = await JoinAsync("alice");
        await observer.WaitForRosterAsync(r => r.ContainsKey("alice"));

        await using var second = await JoinAsync("alice", "Alice Again");
        Assert.Equal(["alice", "observer"], second.Roster.Keys.Order());
        await first.WaitForCloseAsync();
        if (first.CloseStatus is { } status)
        {
            Assert.Equal(PresenceCloseStatus.Replaced, status);
        }

        await observer.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.Name == "Alice Again");

        // The new connection keeps working, and the old one's departure removed nobody.
        await second.SendCursorAsync(0.1, 0.2);
        await observer.WaitForAsync<CursorMessage>(c => c.User.Id == "alice" && c.User.X == 0.1);
        await Task.Delay(300);
        await second.SendCursorAsync(0.3, 0.4);
        await observer.WaitForAsync<CursorMessage>(c => c.User.Id == "alice" && c.User.X == 0.3);
        Assert.DoesNotContain(observer.Received, m => m is LeaveMessage);
        Assert.True(observer.Roster.ContainsKey("alice"));
    }

    [Fact]
    public async Task InvalidMessages_AreIgnored_AndTheConnectionStaysOpen()
    {
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob");

        foreach (var junk in new[] { "", "not json", "{", "[1,2]", "42", "null", """{"type":"dance"}""", """{"type":7,"x":0.1}""", """{"type":"cursor"} trailing""", "{\"type\":\"hello\",\"name\":\"\\ud800\"}" })
        {
            await alice.SendTextAsync(junk);
        }

        if (alice.SupportsBinary)
        {
            await alice.SendBinaryAsync([0x7b, 0x7d]);
            await alice.SendBinaryAsync([]);
        }

        await alice.SendCursorAsync(0.6, 0.6);
        var cursor = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal((0.6, 0.6), (cursor.User.X, cursor.User.Y));
        Assert.False(alice.IsClosed);
        Assert.DoesNotContain(bob.Received, m => m is PresenceMessage p && p.User.Id == "alice" && p.User.Name != "Tester");
    }

    [Fact]
    public async Task WrongFieldTypes_KeepThePreviousValues()
    {
        await using var alice = await JoinAsync("alice", "Alice", "#aa0000");
        await using var bob = await JoinAsync("bob");

        await alice.SendTextAsync("""{"type":"hello","name":5,"color":["#00ff00"]}""");
        var presence = await bob.WaitForAsync<PresenceMessage>(p => p.User.Id == "alice");
        Assert.Equal(("Alice", "#aa0000"), (presence.User.Name, presence.User.Color));
    }

    [Fact]
    public async Task NewClient_ReceivesNothingBeforeItsSnapshot_EvenWhileOthersMove()
    {
        await using var mover = await JoinAsync("mover");
        using var stop = new CancellationTokenSource();
        var moving = Task.Run(async () =>
        {
            var step = 0;
            while (!stop.IsCancellationRequested)
            {
                await mover.SendCursorAsync(step % 100 / 100.0, 0.5);
                step++;
                await Task.Delay(1);
            }
        });

        try
        {
            for (var i = 0; i < 10; i++)
            {
                await using var joiner = await ConnectAsync($"joiner{i}", "Joiner", "#123456", Room);
                Assert.IsType<SnapshotMessage>(await joiner.NextAsync());
                await joiner.WaitForAsync<CursorMessage>(c => c.User.Id == "mover");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await moving;
        }
    }

    [Fact]
    public async Task Rooms_AreIsolated()
    {
        var otherRoom = Room + "-other";
        await using var alice = await JoinAsync("alice");
        await using var bob = await JoinAsync("bob", room: otherRoom);
        await using var carol = await JoinAsync("carol", room: otherRoom);

        Assert.Equal(["bob"], bob.Roster.Keys);
        await alice.SendCursorAsync(0.9, 0.9);
        await alice.SendHelloAsync("Alice", "#ffffff");
        await carol.SendCursorAsync(0.2, 0.2);
        await bob.WaitForAsync<CursorMessage>(c => c.User.Id == "carol");
        await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "alice");

        Assert.DoesNotContain(bob.Received, m => m is PresenceMessage { User.Id: "alice" } or CursorMessage { User.Id: "alice" });
        Assert.DoesNotContain(alice.Received, m => m is PresenceMessage { User.Id: "bob" or "carol" } or CursorMessage { User.Id: "carol" });
        Assert.Equal(["alice"], alice.Roster.Keys);
    }

    [Fact]
    public async Task InvalidId_IsReplacedByOneTheServerAssigns()
    {
        await using var client = await ConnectAsync("bad id!", "Name", "#123456", Room);
        var snapshot = Assert.IsType<SnapshotMessage>(await client.NextAsync());
        Assert.StartsWith("user-", snapshot.SelfId, StringComparison.Ordinal);
        Assert.True(PresenceRules.IsIdentifier(snapshot.SelfId));

        await using var anonymous = await ConnectAsync(null, null, null, Room);
        var second = Assert.IsType<SnapshotMessage>(await anonymous.NextAsync());
        var self = second.Users.Single(u => u.Id == second.SelfId);
        Assert.Equal((PresenceRules.DefaultName, PresenceRules.DefaultColor), (self.Name, self.Color));
        Assert.NotEqual(snapshot.SelfId, second.SelfId);
    }

    [Fact]
    public async Task FiftyClients_InOneRoom_AllConvergeToTheSameRoster()
    {
        var clients = new List<PresenceTestClient>();
        try
        {
            for (var i = 0; i < 50; i++)
            {
                clients.Add(await ConnectAsync($"c{i:00}", $"Client {i}", "#336699", Room));
            }

            await Task.WhenAll(clients.Select((c, i) => c.SendCursorAsync(i / 50.0, 1 - (i / 50.0))));

            // A client's own cursor is never echoed, so its own entry keeps the position it joined with.
            static double ExpectedX(string id) => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) / 50.0;
            await Task.WhenAll(clients.Select(c => c.WaitForRosterAsync(r =>
                r.Count == 50 && r.Values.All(u => u.Id == c.SelfId || (u.X == ExpectedX(u.Id) && u.Y == 1 - ExpectedX(u.Id))))));

            var ids = clients.Select(c => c.SelfId!).Order().ToList();
            Assert.All(clients, c => Assert.Equal(ids, c.Roster.Keys.Order().ToList()));
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
