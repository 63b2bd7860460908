using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace Presence.Testing;

/// <summary>
/// What every <see cref="IPresenceRoster"/> must do. Each roster's tests inherit this suite, so that the in-memory
/// roster and the distributed ones cannot drift apart.
/// </summary>
public abstract class RosterConformanceTests
{
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddYears(56));

    protected string Room { get; } = "r" + Guid.NewGuid().ToString("N");

    /// <summary>Creates a roster that is one server instance, on <see cref="Time"/>, pruning after 120 seconds.</summary>
    protected abstract Task<IPresenceRoster> CreateRosterAsync();

    protected static PresenceUser User(string id, double x = 0.5, string name = "Name") => new(id, name, "#123456", x, 0.5, 1_700_000_000.5);

    [Fact]
    public async Task Snapshot_OfAnUnknownRoom_IsEmpty()
    {
        var roster = await CreateRosterAsync();
        Assert.Empty(await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task ClaimsAndWrites_AddAndReplace_ById()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("a", 0.1), "s1");
        await roster.ClaimAsync(Room, User("b", 0.2), "s2");
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.3, "Renamed"), "s1"));

        var users = (await roster.SnapshotAsync(Room)).OrderBy(u => u.Id).ToList();
        Assert.Equal([User("a", 0.3, "Renamed"), User("b", 0.2)], users);
    }

    [Fact]
    public async Task Release_TakesTheParticipantOut_AndAnUnknownOneCountsAsGone()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("a"), "s1");
        await roster.ClaimAsync(Room, User("b"), "s2");
        Assert.True(await roster.ReleaseAsync(Room, "a", "s1"));
        Assert.True(await roster.ReleaseAsync(Room, "nobody", "s3"));
        Assert.True(await roster.ReleaseAsync(Room + "x", "b", "s2"));

        Assert.Equal(["b"], (await roster.SnapshotAsync(Room)).Select(u => u.Id));
    }

    [Fact]
    public async Task TheNewestClaimWins_AndTheOlderSessionCanNeitherWriteNorRemoveIt()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("a", 0.1, "Old"), "old");
        await roster.ClaimAsync(Room, User("a", 0.2, "New"), "new");

        Assert.Equal(RosterWrite.TakenOver, await roster.UpdateAsync(Room, User("a", 0.9, "Old"), "old"));
        Assert.False(await roster.ReleaseAsync(Room, "a", "old"));
        Assert.Equal([User("a", 0.2, "New")], await roster.SnapshotAsync(Room));

        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.3, "New"), "new"));
        Assert.True(await roster.ReleaseAsync(Room, "a", "new"));
        Assert.Empty(await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task AWriteOfAParticipantNobodyOwns_ClaimsItAgain_AndSaysSo()
    {
        var roster = await CreateRosterAsync();
        Assert.Equal(RosterWrite.Restored, await roster.UpdateAsync(Room, User("a"), "s1"));
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.25), "s1"));
        Assert.Equal(RosterWrite.TakenOver, await roster.UpdateAsync(Room, User("a"), "s2"));
        Assert.Equal([User("a", 0.25)], await roster.SnapshotAsync(Room));
    }

    // A store restarted empty, then written again by both connections of one participant: whichever writes first, the
    // one that opened later owns it in the end, and the older one learns it was replaced.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AfterTheRosterLostTheNewerClaim_TheNewerSessionTakesTheParticipantBack(bool olderWritesFirst)
    {
        var roster = await CreateRosterAsync();
        const string older = "1700000000100.old-1", newer = "1700000000200.new-1";
        if (olderWritesFirst)
        {
            Assert.Equal(RosterWrite.Restored, await roster.UpdateAsync(Room, User("a", 0.1, "Old"), older));
        }

        Assert.Equal(RosterWrite.Restored, await roster.UpdateAsync(Room, User("a", 0.2, "New"), newer));
        Assert.Equal(RosterWrite.TakenOver, await roster.UpdateAsync(Room, User("a", 0.1, "Old"), older));
        Assert.False(await roster.ReleaseAsync(Room, "a", older));
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.3, "New"), newer));
        Assert.Equal([User("a", 0.3, "New")], await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task Rooms_AreIsolated()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("a"), "s1");
        await roster.ClaimAsync(Room + "-2", User("b"), "s1");

        Assert.Equal(["a"], (await roster.SnapshotAsync(Room)).Select(u => u.Id));
        Assert.Equal(["b"], (await roster.SnapshotAsync(Room + "-2")).Select(u => u.Id));
        Assert.False(await roster.ReleaseAsync(Room + "-2", "b", "s2"));
    }

    [Fact]
    public async Task Snapshot_LeavesOutParticipantsNotWrittenForTheStaleTime()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("old"), "s1");
        Time.Advance(TimeSpan.FromSeconds(100));
        await roster.ClaimAsync(Room, User("new"), "s2");
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(["new"], (await roster.SnapshotAsync(Room)).Select(u => u.Id));

        // Pruned, it is nobody's any more: its session's next write claims it again.
        Assert.Equal(RosterWrite.Restored, await roster.UpdateAsync(Room, User("old"), "s1"));
    }

    [Fact]
    public async Task Writes_KeepAnUnchangedParticipantAlive()
    {
        var roster = await CreateRosterAsync();
        var idle = User("idle");
        await roster.ClaimAsync(Room, idle, "s1");
        for (var i = 0; i < 10; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, idle, "s1"));
        }

        Assert.Equal([idle], await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task CallsNotAwaitedOneByOne_TakeEffectInTheOrderTheyWereMade()
    {
        var roster = await CreateRosterAsync();
        var claim = roster.ClaimAsync(Room, User("a", 0.1), "s1");
        var write = roster.UpdateAsync(Room, User("a", 0.2), "s1");
        var release = roster.ReleaseAsync(Room, "a", "s1");
        var late = roster.UpdateAsync(Room, User("a", 0.3), "s2");
        await claim;
        Assert.Equal(RosterWrite.Written, await write);
        Assert.True(await release);
        Assert.Equal(RosterWrite.Restored, await late);
        Assert.Equal([User("a", 0.3)], await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task ConcurrentClaimsOfOneParticipant_LeaveExactlyOneOwner()
    {
        var roster = await CreateRosterAsync();
        var sessions = Enumerable.Range(0, 16).Select(i => $"s{i}").ToArray();
        await Task.WhenAll(sessions.Select(s => Task.Run(async () => await roster.ClaimAsync(Room, User("a", name: s), s))));

        var owners = new List<string>();
        foreach (var session in sessions)
        {
            if (await roster.UpdateAsync(Room, User("a", name: session), session) != RosterWrite.TakenOver)
            {
                owners.Add(session);
            }
        }

        Assert.Single(owners);
        Assert.Equal(owners[0], Assert.Single(await roster.SnapshotAsync(Room)).Name);
    }

    private const RosterSessionMode Shared = RosterSessionMode.Shared;

    [Fact]
    public async Task SharedClaims_JoinTheParticipantAsItIs_AndItLeavesWithTheirLast()
    {
        var roster = await CreateRosterAsync();
        Assert.Null(await roster.ClaimAsync(Room, User("a", 0.1, "First"), "tab1", Shared));

        // The second tab finds the participant as the first made it, and changes nothing.
        Assert.Equal(User("a", 0.1, "First"), await roster.ClaimAsync(Room, User("a", 0.9, "Second"), "tab2", Shared));
        Assert.Equal([User("a", 0.1, "First")], await roster.SnapshotAsync(Room));

        // Either writes it.
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.7, "Second"), "tab2", Shared));
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.6, "First"), "tab1", Shared));
        Assert.Equal([User("a", 0.6, "First")], await roster.SnapshotAsync(Room));

        // It stays while one of them is left, and goes with the last.
        Assert.False(await roster.ReleaseAsync(Room, "a", "tab1"));
        Assert.False(await roster.ReleaseAsync(Room, "a", "tab1"));
        Assert.Equal([User("a", 0.6, "First")], await roster.SnapshotAsync(Room));
        Assert.True(await roster.ReleaseAsync(Room, "a", "tab2"));
        Assert.Empty(await roster.SnapshotAsync(Room));
    }

    [Fact]
    public async Task ASharedSessionTheRosterLost_JoinsTheOthersAgain_WithoutRestoringAnything()
    {
        var roster = await CreateRosterAsync();
        await roster.ClaimAsync(Room, User("a"), "tab1", Shared);

        // As after an outage that lost this tab's claim but kept the other's: nobody missed the participant.
        Assert.Equal(RosterWrite.Written, await roster.UpdateAsync(Room, User("a", 0.2), "tab2", Shared));
        Assert.False(await roster.ReleaseAsync(Room, "a", "tab1"));
        Assert.True(await roster.ReleaseAsync(Room, "a", "tab2"));

        // Nobody holds it: the write claims it again.
        Assert.Equal(RosterWrite.Restored, await roster.UpdateAsync(Room, User("a", 0.3), "tab3", Shared));
        Assert.True(await roster.ReleaseAsync(Room, "a", "tab3"));
    }

    [Fact]
    public async Task AnExclusiveClaim_TakesOverEverySharedSession_AndAnExclusiveWrite_OnlyFromOlderOnes()
    {
        var roster = await CreateRosterAsync();
        var (older, middle, newer) = ("1700000000000.a", "1700000001000.b", "1700000002000.c");
        await roster.ClaimAsync(Room, User("a", 0.1), middle, Shared);
        await roster.ClaimAsync(Room, User("a", 0.2), newer, Shared);

        // An exclusive write of a session older than one of the shared ones takes nothing.
        Assert.Equal(RosterWrite.TakenOver, await roster.UpdateAsync(Room, User("a", 0.9), older));
        Assert.Equal([User("a", 0.1)], await roster.SnapshotAsync(Room));

        // An exclusive claim owns the participant alone: the shared sessions are taken over.
        await roster.ClaimAsync(Room, User("a", 0.5, "Alone"), older);
        Assert.Equal(RosterWrite.TakenOver, await roster.UpdateAsync(Room, User("a", 0.3), "tab", Shared));
        Assert.False(await roster.ReleaseAsync(Room, "a", middle));
        Assert.Equal([User("a", 0.5, "Alone")], await roster.SnapshotAsync(Room));
        Assert.True(await roster.ReleaseAsync(Room, "a", older));
    }

    [Fact]
    public async Task ASharedParticipant_HoldsAtMost64Sessions_ForgettingTheOldest()
    {
        var roster = await CreateRosterAsync();
        var sessions = Enumerable.Range(0, 70).Select(i => "tab" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        foreach (var session in sessions)
        {
            await roster.ClaimAsync(Room, User("a"), session, Shared);
        }

        // The six oldest were forgotten: releasing them says someone else holds it.
        foreach (var session in sessions[..6])
        {
            Assert.False(await roster.ReleaseAsync(Room, "a", session));
        }

        foreach (var session in sessions[6..^1])
        {
            Assert.False(await roster.ReleaseAsync(Room, "a", session));
        }

        Assert.True(await roster.ReleaseAsync(Room, "a", sessions[^1]));
        Assert.Empty(await roster.SnapshotAsync(Room));
    }

    /// <summary>One step of a participant's life in the roster, as the engine's connections make them.</summary>
    public sealed record RosterStep(string Kind, int Session, RosterSessionMode Mode, double X);

    private static readonly Gen<RosterStep> StepGen =
        from kind in Gen.Elements("claim", "claim", "update", "release", "release")
        from session in Gen.Choose(0, 5)
        from mode in Gen.Frequency((3, Gen.Constant(Shared)), (1, Gen.Constant(RosterSessionMode.Exclusive)))
        from x in Gen.Choose(0, 100)
        select new RosterStep(kind, session, mode, x / 100.0);

    /// <summary>
    /// Random claims, writes and releases of one participant, exclusive and shared, by six sessions opened in that
    /// order (a session keeps its mode, as a connection does): every answer and every snapshot is the model's. The model
    /// is the contract in <see cref="IPresenceRoster"/>: a shared claim joins a shared participant as it is, a release
    /// removes its own session and the participant with the last, an exclusive claim owns it alone, and a write that
    /// finds other owners is taken over unless it is newer than each.
    /// </summary>
    [Fact]
    public async Task RandomSessions_FollowTheContract()
    {
        var roster = await CreateRosterAsync();
        var run = 0;
        var property = Prop.ForAll(Gen.ListOf(StepGen).Select(steps => steps.Take(24).ToArray()).ToArbitrary(), steps =>
        {
            var id = "m" + Interlocked.Increment(ref run).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var model = new SessionModel();
            var modes = new Dictionary<int, RosterSessionMode>();
            foreach (var step in steps)
            {
                var mode = modes.TryAdd(step.Session, step.Mode) ? step.Mode : modes[step.Session];
                var session = "170000000" + step.Session.ToString(System.Globalization.CultureInfo.InvariantCulture) + "000.s";
                var user = User(id, step.X);
                string got, want;
                switch (step.Kind)
                {
                    case "claim":
                        got = Describe(roster.ClaimAsync(Room, user, session, mode).AsTask().GetAwaiter().GetResult());
                        want = Describe(model.Claim(user, step.Session, mode));
                        break;
                    case "update":
                        got = roster.UpdateAsync(Room, user, session, mode).AsTask().GetAwaiter().GetResult().ToString();
                        want = model.Update(user, step.Session, mode).ToString();
                        break;
                    default:
                        got = roster.ReleaseAsync(Room, id, session).AsTask().GetAwaiter().GetResult().ToString();
                        want = model.Release(step.Session).ToString();
                        break;
                }

                var held = Describe(roster.SnapshotAsync(Room).AsTask().GetAwaiter().GetResult().SingleOrDefault(u => u.Id == id));
                if (got != want || held != Describe(model.User))
                {
                    throw new InvalidOperationException($"{step} as {mode}: answered {got}, the model {want}; holds {held}, the model {Describe(model.User)}");
                }
            }

            // Whatever is left goes, so that the next case starts alone.
            foreach (var session in Enumerable.Range(0, 6))
            {
                roster.ReleaseAsync(Room, id, "170000000" + session.ToString(System.Globalization.CultureInfo.InvariantCulture) + "000.s").AsTask().GetAwaiter().GetResult();
            }

            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    private static string Describe(PresenceUser? user) => user is null ? "none" : $"{user.Id}@{user.X}";

    /// <summary>The contract of one participant's ownership, for sessions numbered in the order they opened.</summary>
    private sealed class SessionModel
    {
        private List<int> _sessions = [];
        private bool _shared;

        public PresenceUser? User { get; private set; }

        public PresenceUser? Claim(PresenceUser user, int session, RosterSessionMode mode)
        {
            if (mode == Shared && User is { } held && _shared)
            {
                Join(session);
                return held;
            }

            (User, _sessions, _shared) = (user, [session], mode == Shared);
            return null;
        }

        public RosterWrite Update(PresenceUser user, int session, RosterSessionMode mode)
        {
            if (User is null)
            {
                (User, _sessions, _shared) = (user, [session], mode == Shared);
                return RosterWrite.Restored;
            }

            if (_sessions.Contains(session) || (_shared && mode == Shared))
            {
                Join(session);
                User = user;
                return RosterWrite.Written;
            }

            if (_sessions.Any(other => session <= other))
            {
                return RosterWrite.TakenOver;
            }

            (User, _sessions, _shared) = (user, [session], mode == Shared);
            return RosterWrite.Restored;
        }

        public bool Release(int session)
        {
            if (User is null)
            {
                return true;
            }

            if (!_sessions.Remove(session))
            {
                return false;
            }

            if (_sessions.Count > 0)
            {
                return false;
            }

            User = null;
            return true;
        }

        private void Join(int session)
        {
            if (!_sessions.Contains(session))
            {
                _sessions.Add(session);
            }
        }
    }
}
