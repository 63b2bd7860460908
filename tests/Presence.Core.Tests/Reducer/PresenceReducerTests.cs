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

    [Fact]
    public void ACursor_KeepsTheStateAndInfo_ThatTheLastPresenceGave()
    {
        var state = PresenceState.Parse("""{"status":"busy"}""");
        var info = PresenceState.Parse("""{"role":"editor"}""");
        var b = new PresenceUser("b", "B", "#111111", 0.5, 0.5, 1) { State = state, Info = info };
        var roster = PresenceReducer.Reduce(PresenceReducer.Empty, new PresenceMessage(b), "a");

        // The wire's cursor carries neither.
        roster = PresenceReducer.Reduce(roster, new CursorMessage(b with { X = 0.9, State = null, Info = null }), "a");
        Assert.Equal(b with { X = 0.9 }, roster["b"]);

        // A presence is whole: one without state clears it.
        roster = PresenceReducer.Reduce(roster, new PresenceMessage(b with { State = null }), "a");
        Assert.Null(roster["b"].State);
        Assert.Equal(info, roster["b"].Info);

        // An app event leaves the roster as it was.
        Assert.Same(roster, PresenceReducer.Reduce(roster, new EventMessage("ping", state), "a"));

        // A cursor of someone unknown is taken as it is.
        roster = PresenceReducer.Reduce(roster, new CursorMessage(new PresenceUser("c", "C", "#222222", 0.1, 0.1, 2)), "a");
        Assert.Null(roster["c"].State);
    }
}
