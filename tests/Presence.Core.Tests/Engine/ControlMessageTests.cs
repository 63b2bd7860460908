using System.Text;
using Presence.Internal;
using Presence.Testing;
using Presence.Testing.ScaleOut;

namespace Presence.Tests.Engine;

/// <summary>
/// What an instance does with the room API's control messages from another: they concern the connections opened by
/// the time they were asked, never one that joined while they were on their way.
/// </summary>
public sealed class ControlMessageTests
{
    [Fact]
    public async Task AKickOnItsWay_SparesAConnectionThatOpenedAfterIt_AndClosesOneFromBefore()
    {
        var fleet = new InProcessFleet();
        var sender = fleet.AddInstance();
        var receiver = fleet.AddInstance();
        await using var host = new EngineHost(receiver, ScaleOutFleet.TestOptions(), backplane: receiver);
        await using var alice = host.Connect("alice", room: "doc");
        await alice.WaitForAsync<SnapshotMessage>();
        await using var bob = host.Connect("bob", room: "doc");
        await bob.WaitForAsync<SnapshotMessage>();

        // Asked a minute before alice connected: she came after it.
        var before = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await sender.PublishAsync("doc", new PresenceBatch(ControlMessage.Kick("alice", before)));
        await sender.PublishAsync("doc", new PresenceBatch(ControlMessage.Info("alice", before, PresenceState.Parse("""{"role":"x"}"""))));

        // Asked now: bob was there.
        await sender.PublishAsync("doc", new PresenceBatch(ControlMessage.Kick("bob", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
        await alice.WaitForAsync<LeaveMessage>(l => l.Id == "bob");
        await bob.WaitForCloseAsync();

        Assert.False(alice.IsClosed);
        Assert.Null(alice.Roster["alice"].Info);
        await alice.SendCursorAsync(0.1, 0.2);
        Assert.Contains(await host.Engine.GetParticipantsAsync("doc"), u => u.Id == "alice");
    }

    [Theory]
    [InlineData("""{"type":"control","op":"kick","id":"a","at":5}""", true, "Kick", 5L)]
    [InlineData("""{"type":"control","op":"info","id":"a","info":{"r":1}}""", true, "Info", long.MaxValue)]
    [InlineData("""{"type":"control","op":"kick","id":"a","at":"soon"}""", true, "Kick", long.MaxValue)]
    [InlineData("""{"type":"control","op":"ban","id":"a","at":5}""", false, null, 0L)]
    [InlineData("""{"type":"control","op":"kick","id":"not an id","at":5}""", false, null, 0L)]
    [InlineData("""{"type":"control","op":"kick","id":"a","at":5""", false, null, 0L)]
    public void ControlMessages_ReadAsTheySay_AndNeverThrow(string json, bool valid, string? operation, long at)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        Assert.True(ControlMessage.IsControl(bytes));
        Assert.Equal(valid, ControlMessage.TryParse(bytes, out var parsedOperation, out var id, out var parsedAt, out _));
        if (valid)
        {
            Assert.Equal((operation, "a", at), (parsedOperation.ToString(), id, parsedAt));
        }
    }
}
