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
}
