using System.Text;
using Presence.Testing;
using StackExchange.Redis;

namespace Presence.Redis.Tests;

/// <summary>Two instances sharing one Redis, as behind a load balancer.</summary>
public sealed class MultiInstanceTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly string _room = "m" + Guid.NewGuid().ToString("N")[..12];
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

    private async Task<PresenceTestClient> JoinAsync(KestrelPresenceServer server, string id, string? room = "")
    {
        var client = await server.ConnectAsync(id, id.ToUpperInvariant(), "#336699", room == "" ? _room : room);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Fact]
    public async Task PresenceCursorAndLeave_CrossInstances()
    {
        await using var alice = await JoinAsync(_one, "alice");
        var bob = await JoinAsync(_two, "bob");

        Assert.Equal(["alice", "bob"], bob.Roster.Keys.Order());
        Assert.Equal("redis", ((SnapshotMessage)bob.Received[0]).StateStore);
        await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "bob");

        await alice.SendCursorAsync(0.2, 0.8);
        var cursor = await bob.WaitForAsync<CursorMessage>();
        Assert.Equal(("alice", 0.2, 0.8), (cursor.User.Id, cursor.User.X, cursor.User.Y));

        await bob.SendHelloAsync("Robert", "#ff0000");
        await alice.WaitForRosterAsync(r => r.TryGetValue("bob", out var b) && b.Name == "Robert");

        await bob.CloseAsync();
        await bob.DisposeAsync();
        Assert.Equal("bob", (await alice.WaitForAsync<LeaveMessage>()).Id);
    }

    [Fact]
    public async Task TheRoomsAnInstanceServes_LoseARoomWhenItsLastLocalMemberLeaves()
    {
        var other = _room + "b";
        await using var alice = await JoinAsync(_one, "alice");
        var bob = await JoinAsync(_one, "bob");
        await using var carol = await JoinAsync(_one, "carol", other);
        var owner = await redis.Server.CliAsync($"hget collab:presence:{{{_room}}}:owners alice");
        var served = $"collab:presence:instance:{owner.Trim().Split(':')[0]}:rooms";
        Task<bool> ServesAsync(string room) => redis.Server.CliAsync($"sismember {served} {room}").ContinueWith(t => t.Result.Trim() == "1");
        await Eventually.HoldsAsync(async () => await ServesAsync(_room) && await ServesAsync(other));

        await bob.CloseAsync();
        await bob.DisposeAsync();
        await alice.WaitForAsync<LeaveMessage>(l => l.Id == "bob");
        Assert.True(await ServesAsync(_room), "alice is still here");

        await alice.CloseAsync();
        await Eventually.HoldsAsync(async () => !await ServesAsync(_room));
        Assert.True(await ServesAsync(other), "carol is still there");

        // The room opened again is recorded again, whichever of the retiring room and its successor Redis hears last.
        await using var dave = await JoinAsync(_one, "dave");
        await Eventually.HoldsAsync(() => ServesAsync(_room));
    }

    [Fact]
    public async Task AResumeToken_SignedWithASecretAnInstanceHasNotHeardOf_IsAcceptedThere()
    {
        // The first instance knows the shared secret; then the store holds another (as after a restart that emptied
        // it, while another instance made a new one), and an instance started since signs with that.
        await using var first = await JoinAsync(_one, "first");
        await redis.Server.CliAsync("set collab:presence:resume-secret newsecret-newsecret-newsecret-0123");
        await redis.Server.CliAsync("sadd collab:presence:resume-secrets newsecret-newsecret-newsecret-0123");
        await using var third = await RedisInstances.StartAsync(redis.Server.ConnectionString);
        await using var held = await JoinAsync(third, "held");

        // Its client moves to the first instance, its old socket still open: its token proves it there too.
        await using var moved = await JoinAsync(_one, "held");
        Assert.Equal("held", moved.SelfId);
    }

    [Fact]
    public async Task AnInstance_IgnoresItsOwnEchoes()
    {
        await using var first = await JoinAsync(_one, "first");
        await using var second = await JoinAsync(_one, "second");
        await using var remote = await JoinAsync(_two, "remote");
        await second.WaitForRosterAsync(r => r.ContainsKey("remote"));

        await first.SendCursorAsync(0.123, 0.456);
        await remote.WaitForAsync<CursorMessage>(c => c.User.X == 0.123);

        // The remote hello travels back through Redis; had the cursor come back too, it would be here first.
        await remote.SendHelloAsync("Sentinel", "#000000");
        await second.WaitForAsync<PresenceMessage>(p => p.User.Name == "Sentinel");
        await first.WaitForAsync<PresenceMessage>(p => p.User.Name == "Sentinel");
        Assert.Single(second.Received, m => m is CursorMessage { User.X: 0.123 });
        Assert.Single(second.Received, m => m is PresenceMessage { User.Id: "remote" } p && p.User.Name == "Sentinel");
    }

    [Fact]
    public async Task Rooms_AreIsolated_AndAnInstanceListensOnlyToRoomsItServes()
    {
        var otherRoom = _room + "x";
        await using var alice = await JoinAsync(_one, "alice");
        await using var bob = await JoinAsync(_two, "bob", otherRoom);
        await using var carol = await JoinAsync(_one, "carol", otherRoom);

        await alice.SendCursorAsync(0.9, 0.9);
        await carol.SendCursorAsync(0.3, 0.3);
        await bob.WaitForAsync<CursorMessage>(c => c.User.Id == "carol");
        Assert.DoesNotContain(bob.Received, m => m is CursorMessage { User.Id: "alice" } or PresenceMessage { User.Id: "alice" });
        Assert.Equal(["bob", "carol"], bob.Roster.Keys.Order());

        // Only instance one serves the first room: one subscriber to its channel, not two.
        Assert.Equal("1", (await redis.Server.CliAsync($"pubsub numsub collab:presence:{{{_room}}}:events")).Split('\n')[1].Trim());
        Assert.Equal("2", (await redis.Server.CliAsync($"pubsub numsub collab:presence:{{{otherRoom}}}:events")).Split('\n')[1].Trim());

        await alice.CloseAsync();
        await Eventually.HoldsAsync(async () => (await redis.Server.CliAsync($"pubsub numsub collab:presence:{{{_room}}}:events")).Split('\n')[1].Trim() == "0");
    }

    [Fact]
    public async Task MalformedPayloads_OnTheChannel_AreIgnored_AndForeignEventsAreCleaned()
    {
        await using var alice = await JoinAsync(_one, "alice");
        var channel = $"collab:presence:{{{_room}}}:events";
        foreach (var junk in new[]
        {
            "not json", "{}", "[1,2,3]", """{"origin":"x"}""", """{"origin":"x","event":"cursor"}""",
            """{"origin":"x","event":{"type":"cursor","user":{"id":"bad id!","name":"n","color":"#000000","x":0.1,"y":0.1,"updatedAt":1}}}""",
            """{"origin":"x","event":{"type":"snapshot","selfId":"alice","users":[],"stateStore":"evil"}}""",
            """{"origin":"x","event":{"type":"leave","id":"alice","extra":1} trailing""",
        })
        {
            await Publish(channel, junk);
        }

        await Publish(channel, """{"origin":"other","event":{"type":"presence","user":{"id":"mallory","name":"  Mal\u0007lory with a name far too long to show","color":"javascript:alert(1)","x":7,"y":-3,"updatedAt":1}}}""");
        var presence = await alice.WaitForAsync<PresenceMessage>(p => p.User.Id == "mallory");
        Assert.Equal(("Mallory with a name far too", PresenceRules.DefaultColor, 1.0, 0.0), (presence.User.Name, presence.User.Color, presence.User.X, presence.User.Y));
        Assert.False(alice.IsClosed);
        Assert.DoesNotContain(alice.Received.Skip(1), m => m is SnapshotMessage or CursorMessage);
        Assert.True(alice.Roster.ContainsKey("alice"));

        async Task Publish(string name, string payload)
        {
            await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
            await connection.GetSubscriber().PublishAsync(RedisChannel.Literal(name), Encoding.UTF8.GetBytes(payload));
        }
    }

    [Fact]
    public async Task ThePubSubConnection_Reconnects_AfterBeingKilled()
    {
        await using var alice = await JoinAsync(_one, "alice");
        await using var bob = await JoinAsync(_two, "bob");
        await alice.WaitForRosterAsync(r => r.ContainsKey("bob"));

        await redis.Server.CliAsync("client kill type pubsub");

        // Keep moving until a move made after the kill arrives: only a restored subscription delivers it.
        using var moving = new CancellationTokenSource();
        var mover = Task.Run(async () =>
        {
            for (var step = 1; !moving.IsCancellationRequested; step++)
            {
                await alice.SendCursorAsync(0.5, step % 1000 / 1000.0);
                await Task.Delay(50);
            }
        });
        try
        {
            await bob.WaitForAsync<CursorMessage>(c => c.User.Id == "alice");
        }
        finally
        {
            await moving.CancelAsync();
            await mover;
        }
    }

    [Fact]
    public async Task OutsideTheDefaultRoom_AnInstancePublishesOneBatchPerRoomPerTick()
    {
        var published = new List<string>();
        await using var listener = await ConnectionMultiplexer.ConnectAsync(redis.Server.ConnectionString);
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal($"collab:presence:{{{_room}}}:events"), (_, value) => { lock (published) { published.Add(value!); } });

        await using var mover = await JoinAsync(_one, "mover");
        await using var watcher = await JoinAsync(_two, "watcher");
        await mover.WaitForRosterAsync(r => r.ContainsKey("watcher"));
        lock (published)
        {
            published.Clear();
        }

        for (var i = 1; i <= 100; i++)
        {
            await mover.SendCursorAsync(i / 100.0, 0.5);
        }

        await watcher.WaitForAsync<CursorMessage>(c => c.User.X == 1.0);
        string[] batches;
        lock (published)
        {
            batches = [.. published.Where(p => p.Contains("\"mover\"", StringComparison.Ordinal))];
        }

        Assert.InRange(batches.Length, 1, 50);
        Assert.All(batches, b => Assert.Contains("\"event\":[", b, StringComparison.Ordinal));
        Assert.True(watcher.Received.Count(m => m is CursorMessage { User.Id: "mover" }) < 100, "The remote updates were not batched.");
    }
}
