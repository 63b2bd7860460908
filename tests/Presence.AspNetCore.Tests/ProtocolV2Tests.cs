using System.Text.Json;
using Presence.Testing;

namespace Presence.AspNetCore.Tests;

public sealed class ProtocolV2Tests(WebSocketBehaviorTests.Server server) : IClassFixture<WebSocketBehaviorTests.Server>
{
    private readonly string _room = "v2" + Guid.NewGuid().ToString("N")[..10];

    private async Task<WebSocketTestClient> JoinAsync(string id, PresenceProtocolVersion version)
    {
        var client = await server.Instance.ConnectAsync(id, id, "#123456", _room, version);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }

    [Fact]
    public async Task TheSubprotocol_IsNegotiated_AndEveryFrameIsAnArray()
    {
        await using var v2 = await JoinAsync("v2client", PresenceProtocolVersion.V2);
        await using var v1 = await JoinAsync("v1client", PresenceProtocolVersion.V1);

        Assert.Equal(PresenceProtocol.V2SubProtocol, v2.SubProtocol);
        Assert.True(string.IsNullOrEmpty(v1.SubProtocol));

        await v1.SendCursorAsync(0.3, 0.3);
        await v2.WaitForAsync<CursorMessage>(c => c.User.Id == "v1client");
        Assert.All(v2.RawFrames, f => Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(f).RootElement.ValueKind));
        Assert.All(v1.RawFrames, f => Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(f).RootElement.ValueKind));
    }

    [Fact]
    public async Task CursorUpdates_AreCoalescedPerTick_TheLatestWinning_WhileV1GetsEveryOne()
    {
        await using var mover = await JoinAsync("mover", PresenceProtocolVersion.V1);
        await using var v2 = await JoinAsync("watcher2", PresenceProtocolVersion.V2);
        await using var v1 = await JoinAsync("watcher1", PresenceProtocolVersion.V1);
        await mover.WaitForRosterAsync(r => r.Count == 3);
        await v2.WaitForRosterAsync(r => r.Count == 3);

        // Within the sender's cursor burst (CursorBurst), so that every move is relayed to v1 at once.
        for (var i = 1; i <= 25; i++)
        {
            await mover.SendCursorAsync(i / 25.0, 0.5);
        }

        await v1.WaitForAsync<CursorMessage>(c => c.User.X == 1.0);
        await v2.WaitForAsync<CursorMessage>(c => c.User.X == 1.0);
        Assert.Equal(25, v1.Received.Count(m => m is CursorMessage { User.Id: "mover" }));
        var v2Cursors = v2.Received.Where(m => m is CursorMessage { User.Id: "mover" }).Select(m => ((CursorMessage)m).User.X).ToList();
        Assert.True(v2Cursors.Count < 25, $"{v2Cursors.Count} cursor updates: none coalesced.");
        Assert.Equal(v2Cursors.Order(), v2Cursors);
    }

    [Fact]
    public async Task WithinATick_PresenceAndLeave_KeepTheirOrderAroundCursors()
    {
        await using var watcher = await JoinAsync("watcher", PresenceProtocolVersion.V2);
        var actor = await JoinAsync("actor", PresenceProtocolVersion.V1);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("actor"));

        await actor.SendCursorAsync(0.1, 0.1);
        await actor.SendHelloAsync("Renamed", "#abcdef");
        await actor.SendCursorAsync(0.9, 0.9);
        await actor.CloseAsync();
        await actor.DisposeAsync();

        await watcher.WaitForAsync<LeaveMessage>(l => l.Id == "actor");
        var events = watcher.Received.SkipWhile(m => m is not CursorMessage { User.X: 0.1 }).Select(m => m switch
        {
            CursorMessage c => $"cursor {c.User.X}",
            PresenceMessage p => $"presence {p.User.Name}",
            LeaveMessage l => $"leave {l.Id}",
            _ => m.Type.ToString(),
        }).ToList();
        Assert.Equal(["cursor 0.1", "presence Renamed", "cursor 0.9", "leave actor"], events);
        Assert.False(watcher.Roster.ContainsKey("actor"));
    }
}
