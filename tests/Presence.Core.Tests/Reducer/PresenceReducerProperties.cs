using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Presence.Tests.Reducer;

public sealed class PresenceReducerProperties
{
    private const int Cases = 5_000;

    // Few distinct ids, so that upserts and leaves hit existing entries often.
    private static Gen<string> Id { get; } = Gen.Elements("a", "b", "c", "d", "self");

    private static Gen<PresenceUser> User { get; } =
        from id in Id
        from name in Gen.Elements("Mira", "Kai", "Rin")
        from x in Gen.Choose(0, 100)
        select new PresenceUser(id, name, "#123456", x / 100.0, 0.5, 1);

    private static Gen<ImmutableDictionary<string, PresenceUser>> Roster { get; } =
        User.ListOf().Select(users => users.Aggregate(PresenceReducer.Empty, (roster, u) => roster.SetItem(u.Id, u)));

    [Property(MaxTest = Cases)]
    public Property Snapshot_ReplacesTheRoster() =>
        Prop.ForAll(Roster.ToArbitrary(), User.ListOf().ToArbitrary(), (roster, users) =>
        {
            var result = PresenceReducer.Reduce(roster, new SnapshotMessage("self", [.. users], "memory"), "self");
            var expected = users.GroupBy(u => u.Id).ToDictionary(g => g.Key, g => g.Last());
            return result.Count == expected.Count && expected.All(e => result[e.Key] == e.Value);
        });

    [Property(MaxTest = Cases)]
    public Property PresenceAndCursor_UpsertTheirUser_AndKeepTheRest() =>
        Prop.ForAll(Roster.ToArbitrary(), User.ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (roster, user, isCursor) =>
        {
            ServerMessage message = isCursor ? new CursorMessage(user) : new PresenceMessage(user);
            var result = PresenceReducer.Reduce(roster, message, "self");
            return result[user.Id] == user
                && result.Count == roster.Count + (roster.ContainsKey(user.Id) ? 0 : 1)
                && roster.Where(e => e.Key != user.Id).All(e => result[e.Key] == e.Value);
        });

    [Property(MaxTest = Cases)]
    public Property Leave_RemovesItsUser_ButNeverSelf() =>
        Prop.ForAll(Roster.ToArbitrary(), Id.ToArbitrary(), (roster, id) =>
        {
            var result = PresenceReducer.Reduce(roster, new LeaveMessage(id), "self");
            return id == "self"
                ? result == roster
                : !result.ContainsKey(id) && roster.Where(e => e.Key != id).All(e => result[e.Key] == e.Value) && result.Count == roster.Count - (roster.ContainsKey(id) ? 1 : 0);
        });
}
