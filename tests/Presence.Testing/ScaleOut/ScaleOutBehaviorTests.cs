using System.Globalization;

namespace Presence.Testing.ScaleOut;

/// <summary>
/// How rooms behave across instances, whatever carries them: run in process and on Redis (one node and a cluster),
/// with hand-picked cases of the churn a rolling deploy makes, and randomized sequences checked against a model.
/// </summary>
public abstract class ScaleOutBehaviorTests
{
    private const string Room = "board";

    /// <summary>Gets how many randomized sequences one run checks.</summary>
    protected abstract int SequenceCount { get; }

    /// <summary>Gets how many sequences run at once.</summary>
    protected virtual int Parallelism => 1;

    /// <summary>Starts a fleet of <paramref name="instances"/> instances with <see cref="ScaleOutFleet.TestOptions"/>.</summary>
    protected abstract Task<ScaleOutFleet> StartFleetAsync(int instances);

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task PresenceCursorsRenamesAndLeaves_ReachEveryInstance(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(3);
        await using var alice = await JoinAsync(fleet, 0, "alice", version);
        await using var bob = await JoinAsync(fleet, 1, "bob", version);
        var carol = await JoinAsync(fleet, 2, "carol", version);

        await alice.SendCursorAsync(0.2, 0.8);
        await bob.SendHelloAsync("Robert", "#ff0000");
        await carol.WaitForRosterAsync(r => r.TryGetValue("alice", out var a) && a.X == 0.2 && a.Y == 0.8
            && r.TryGetValue("bob", out var b) && b.Name == "Robert" && b.Color == "#ff0000");

        await carol.CloseAsync();
        await carol.DisposeAsync();
        await alice.WaitForRosterAsync(r => r.Count == 2 && !r.ContainsKey("carol"));
        await bob.WaitForRosterAsync(r => r.Count == 2 && r["alice"].X == 0.2);
    }

    /// <summary>What a rolling deploy does to every tab: the issue that started the redesign.</summary>
    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task AParticipantWhoReconnectsElsewhere_StaysPresent_AndTheOldInstanceStillServesNewcomers(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        var old = await JoinAsync(fleet, 0, "visitor", version);
        await using var watcher = await JoinAsync(fleet, 1, "watcher", version);

        // The tab reconnects to the other instance while its old socket is still open; then the old one closes.
        await using var current = await JoinAsync(fleet, 1, "visitor", version);
        await old.CloseQuietlyAsync();
        await old.DisposeAsync();
        await current.SendCursorAsync(0.4, 0.6);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("visitor", out var v) && v.X == 0.4);

        // Newcomers on the first instance get their snapshot, with the visitor in it.
        for (var i = 0; i < 3; i++)
        {
            await using var late = await fleet.ConnectAsync(0, "late" + i.ToString(CultureInfo.InvariantCulture), "Late", "#000000", Room, version);
            var snapshot = await late.WaitForAsync<SnapshotMessage>(timeout: TimeSpan.FromSeconds(5));
            Assert.Contains(snapshot.Users, u => u.Id == "visitor");
            Assert.Contains(snapshot.Users, u => u.Id == "watcher");
            await late.CloseAsync();
        }

        await Task.Delay(200);
        Assert.True(watcher.Roster.ContainsKey("visitor"), "The old socket's close removed the participant who had moved on.");
        await Eventually.HoldsAsync(async () => await fleet.SubscriptionCountAsync(Room) == 1);
    }

    [Theory]
    [InlineData(PresenceProtocolVersion.V1)]
    [InlineData(PresenceProtocolVersion.V2)]
    public async Task ACursorFollowedAtOnceByALeave_LeavesNoGhostOnAnyInstance(PresenceProtocolVersion version)
    {
        await using var fleet = await StartFleetAsync(2);
        await using var watcher = await JoinAsync(fleet, 1, "watcher", version);
        for (var i = 0; i < 10; i++)
        {
            var id = "mover" + i.ToString(CultureInfo.InvariantCulture);
            var mover = await JoinAsync(fleet, 0, id, version);
            await mover.SendCursorAsync(0.1 * i, 0.5);
            await mover.CloseAsync();
            await mover.DisposeAsync();
        }

        // A sentinel published after all of it: whatever came before has arrived by then.
        await using var sentinel = await JoinAsync(fleet, 0, "sentinel", version);
        await watcher.WaitForRosterAsync(r => r.ContainsKey("sentinel"));
        await Task.Delay(100);
        await sentinel.SendCursorAsync(0.9, 0.9);
        await watcher.WaitForRosterAsync(r => r.TryGetValue("sentinel", out var s) && s.X == 0.9);
        Assert.Equal(["sentinel", "watcher"], watcher.Roster.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnInstance_IsSubscribedToARoom_ExactlyWhileItHasMembersThere()
    {
        await using var fleet = await StartFleetAsync(2);
        Assert.Equal(0, await fleet.SubscriptionCountAsync(Room));

        var first = await JoinAsync(fleet, 0, "first", PresenceProtocolVersion.V1);
        var second = await JoinAsync(fleet, 0, "second", PresenceProtocolVersion.V2);
        await Eventually.HoldsAsync(async () => await fleet.SubscriptionCountAsync(Room) == 1);
        var third = await JoinAsync(fleet, 1, "third", PresenceProtocolVersion.V2);
        await Eventually.HoldsAsync(async () => await fleet.SubscriptionCountAsync(Room) == 2);

        await first.CloseAsync();
        await first.DisposeAsync();
        await third.DisposeAsync();
        await Eventually.HoldsAsync(async () => await fleet.SubscriptionCountAsync(Room) == 1);
        await second.CloseAsync();
        await second.DisposeAsync();
        await Eventually.HoldsAsync(async () => await fleet.SubscriptionCountAsync(Room) == 0);
    }

    /// <summary>
    /// Randomized sequences of joins, moves, renames, leaves, drops and reconnects elsewhere, each checked against a
    /// model. <c>PRESENCE_SCALEOUT_SEED</c> replays one seed; <c>PRESENCE_SCALEOUT_SEQUENCES</c> sets how many run.
    /// </summary>
    [Fact]
    public async Task RandomChurn_KeepsEveryViewEqualToTheModel()
    {
        var seeds = Environment.GetEnvironmentVariable("PRESENCE_SCALEOUT_SEED") is { Length: > 0 } replay
            ? [int.Parse(replay, CultureInfo.InvariantCulture)]
            : FreshSeeds(int.TryParse(Environment.GetEnvironmentVariable("PRESENCE_SCALEOUT_SEQUENCES"), out var count) ? count : SequenceCount);
        TestContext.Current.SendDiagnosticMessage($"Scale-out sequences with seeds {string.Join(", ", seeds)}");

        var longest = TimeSpan.Zero;
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (seed, _) =>
        {
            await using var fleet = await StartFleetAsync(3);
            var sequence = new ScaleOutSequence(fleet, seed);
            await sequence.RunAsync();
            lock (seeds)
            {
                longest = longest > sequence.LongestSnapshotWait ? longest : sequence.LongestSnapshotWait;
            }
        });
        TestContext.Current.SendDiagnosticMessage($"{seeds.Length} sequences held; the longest wait for a snapshot was {longest.TotalMilliseconds:F0} ms.");
    }

    private static int[] FreshSeeds(int count)
    {
        var first = Random.Shared.Next(1, int.MaxValue - count);
        return [.. Enumerable.Range(first, count)];
    }

    private static async Task<PresenceTestClient> JoinAsync(ScaleOutFleet fleet, int instance, string id, PresenceProtocolVersion version)
    {
        var client = await fleet.ConnectAsync(instance, id, id.ToUpperInvariant(), "#336699", Room, version);
        await client.WaitForAsync<SnapshotMessage>();
        return client;
    }
}
