namespace Presence.Tests.Reducer;

public sealed class PresenceReducerTests
{
    [Fact]
    public void ASequenceOfMessages_ProducesTheBoardsRoster()
    {
        var a = new PresenceUser("a", "A", "#000000", 0.5, 0.5, 1);
        var b = new PresenceUser("b", "B", "#111111", 0.5, 0.5, 1);
        var roster = PresenceReducer.Empty;
        roster = PresenceReducer.Reduce(roster, new SnapshotMessage("a", [a], "memory"), "a");
        roster = PresenceReducer.Reduce(roster, new PresenceMessage(b), "a");
        roster = PresenceReducer.Reduce(roster, new CursorMessage(b with { X = 0.9 }), "a");
        roster = PresenceReducer.Reduce(roster, new LeaveMessage("a"), "a");

        Assert.Equal([a, b with { X = 0.9 }], roster.Values.OrderBy(u => u.Id));

        roster = PresenceReducer.Reduce(roster, new LeaveMessage("b"), "a");
        Assert.Equal([a], roster.Values);
    }
}
