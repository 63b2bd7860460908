using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>Attacks on real Kestrel that must never reach another client: each is contained to the attacker's own connections.</summary>
public sealed class HostileClientTests
{
    private static readonly string V2 = "Sec-WebSocket-Protocol: " + PresenceProtocol.V2SubProtocol;

    [Fact]
    public async Task AHelloFlood_BesideASocketThatNeverReads_LeavesEveryOtherRoomServed()
    {
        await using var server = await KestrelPresenceServer.StartAsync(o => o.SendTimeout = TimeSpan.FromSeconds(1));
        await using var watcher = await server.ConnectAsync("watcher", room: "victim", version: PresenceProtocolVersion.V2);
        await using var mover = await server.ConnectAsync("mover", room: "victim", version: PresenceProtocolVersion.V2);
        await watcher.WaitForAsync<SnapshotMessage>();
        await mover.WaitForAsync<SnapshotMessage>();

        // One attacker socket never reads; the other floods hello in the same room, so that its frames pile up there.
        await using var stalled = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=stalled&room=attack", V2);
        await using var flooder = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=flooder&room=attack", V2);
        var flooding = Task.Run(async () =>
        {
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(4);
            for (var i = 0; DateTime.UtcNow < until; i++)
            {
                try
                {
                    await flooder.SendTextAsync($$"""{"type":"hello","name":"flood {{i}} {{new string('x', 40)}}"}""");
                }
                catch (IOException)
                {
                    return;
                }
            }
        });
        await flooding;

        // The room of the victims goes on: their cursors still arrive, on the tick, long after the attack began.
        for (var i = 1; i <= 5; i++)
        {
            var x = i / 10.0;
            await mover.SendCursorAsync(x, 0.5);
            await watcher.WaitForAsync<CursorMessage>(c => c.User.Id == "mover" && c.User.X == x);
            await Task.Delay(300);
        }

        // The attacker's sockets, dropped, are released: a newcomer in their room sees neither.
        await stalled.DisposeAsync();
        await flooder.DisposeAsync();
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 2);
        await using var newcomer = await server.ConnectAsync("newcomer", room: "attack", version: PresenceProtocolVersion.V2);
        var snapshot = await newcomer.WaitForAsync<SnapshotMessage>();
        Assert.Equal(["newcomer"], snapshot.Users.Select(u => u.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AHelloFlood_NeverDropsAReaderThatPausesForSixSeconds(bool v2)
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        string[] headers = v2 ? [V2] : [];
        await using var reader = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=reader&room=pause", headers);
        await reader.ReadFrameAsync(TimeSpan.FromSeconds(15));
        await using var flooder = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=flooder&room=pause", headers);
        using var stop = new CancellationTokenSource();
        var draining = DrainAsync(flooder, stop.Token);

        // The reader reads nothing for six seconds while the flooder sends 2,000 hellos a second. (Faster, a v2
        // flooder only backs up its own socket: its reads are paced by the tick.)
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(6); i++)
        {
            await flooder.SendTextAsync($$"""{"type":"hello","name":"flood {{i}} {{new string('x', 40)}}"}""");
            if (i % 20 == 19)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(i / 2.0) - clock.Elapsed is { Ticks: > 0 } wait ? wait : TimeSpan.Zero);
            }
        }

        await flooder.SendTextAsync("""{"type":"hello","name":"final"}""");

        // It is still served, and what it missed was coalesced to the flooder's latest name.
        var seen = 0L;
        while (true)
        {
            var frame = await reader.ReadFrameAsync(TimeSpan.FromSeconds(20));
            Assert.NotEqual(0x8, frame.Opcode);
            seen += frame.Payload.Length;
            if (frame.Opcode == 0x1 && frame.Text.Contains("\"name\":\"final\"", StringComparison.Ordinal))
            {
                break;
            }
        }

        Assert.True(seen < new PresenceOptions().OutboxCapacity, $"{seen} bytes reached the reader");
        await stop.CancelAsync();
        await draining;
    }

    private static async Task DrainAsync(RawWebSocketClient client, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await client.ReadFrameAsync(TimeSpan.FromSeconds(30)).WaitAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or EndOfStreamException)
        {
        }
    }

    [Fact]
    public async Task DroppedV2Sockets_AreReleased_AndTheirLeavesAnnounced()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var watcher = await server.ConnectAsync("watcher", room: "drops", version: PresenceProtocolVersion.V2);
        await watcher.WaitForAsync<SnapshotMessage>();

        var dropped = new List<RawWebSocketClient>();
        for (var i = 0; i < 50; i++)
        {
            dropped.Add(await RawWebSocketClient.ConnectAsync(server.BaseAddress, $"/ws?id=drop{i}&room=drops", V2));
        }

        await watcher.WaitForRosterAsync(r => r.Count == 51);
        foreach (var socket in dropped)
        {
            await socket.DisposeAsync();
        }

        await watcher.WaitForRosterAsync(r => r.Count == 1);
        await Eventually.HoldsAsync(() => server.Engine.ConnectionCount == 1);
    }
}

/// <summary>Who may be which participant: a live id is taken over only with its resume token.</summary>
public sealed class IdentityTakeoverTests
{
    [Fact]
    public async Task ALiveIdClaimedWithoutItsToken_GetsAFreshId_AndTheVictimIsUntouched()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var victim = await server.ConnectAsync("victim", "Victim", "#111111", room: "ids");
        await using var watcher = await server.ConnectAsync("watcher", room: "ids");
        await victim.WaitForAsync<SnapshotMessage>();
        await watcher.WaitForRosterAsync(r => r.ContainsKey("victim"));

        // The attacker read the roster, so it knows the id; it cannot know the token.
        await using var attacker = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=victim&name=Mallory&room=ids&resume=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        var snapshot = await ReadSnapshotAsync(attacker);
        Assert.NotEqual("victim", snapshot.SelfId);
        Assert.NotNull(snapshot.ResumeToken);
        await watcher.WaitForRosterAsync(r => r.ContainsKey(snapshot.SelfId));

        // The victim is neither evicted, moved nor renamed, and the attacker's leave is its own.
        await attacker.DisposeAsync();
        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == snapshot.SelfId);
        Assert.Equal("Victim", watcher.Roster["victim"].Name);
        Assert.False(victim.IsClosed);
        await victim.SendCursorAsync(0.25, 0.75);
        await watcher.WaitForAsync<CursorMessage>(c => c.User.Id == "victim" && c.User.X == 0.25);
    }

    [Fact]
    public async Task ALiveIdClaimedWithItsToken_TakesTheParticipantOver()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var first = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=owner&room=ids2");
        var token = (await ReadSnapshotAsync(first)).ResumeToken;
        Assert.NotNull(token);

        await using var second = await RawWebSocketClient.ConnectAsync(server.BaseAddress, $"/ws?id=owner&room=ids2&resume={token}");
        Assert.Equal("owner", (await ReadSnapshotAsync(second)).SelfId);

        // The first is closed as replaced (4000).
        RawFrame frame;
        do
        {
            frame = await first.ReadFrameAsync(TimeSpan.FromSeconds(15));
        }
        while (frame.Opcode != 0x8);
        Assert.Equal(4000, frame.CloseCode);
    }

    [Fact]
    public async Task AnIdNobodyHolds_IsKept_WithoutAToken_AsTheSeedsBoardExpects()
    {
        await using var server = await KestrelPresenceServer.StartAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(server.BaseAddress, "/ws?id=newcomer&room=ids3");
        Assert.Equal("newcomer", (await ReadSnapshotAsync(client)).SelfId);
    }

    private static async Task<SnapshotMessage> ReadSnapshotAsync(RawWebSocketClient client)
    {
        var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.True(PresenceProtocol.TryParseServerMessage(frame.Payload, out var message));
        return Assert.IsType<SnapshotMessage>(message);
    }
}
