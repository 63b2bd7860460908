using Presence.Testing;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Presence.Internal;

namespace Presence.Tests.Internal;

public sealed class OutboxTests
{
    private readonly GatedTransport _transport = new();
    private readonly FakeTimeProvider _time = new();
    private readonly List<OutboxFailure> _failures = [];

    private Outbox Create(int capacity = 1024, TimeSpan? sendTimeout = null) =>
        new(_transport, capacity, sendTimeout ?? TimeSpan.FromSeconds(10), _time, (failure, _) => { lock (_failures) { _failures.Add(failure); } });

    private static PresenceFrame Frame(string text, string? cursorOwner = null)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        return cursorOwner is null ? new PresenceFrame(payload) : new PresenceFrame(payload, CursorPositions.Message(cursorOwner, payload.Length));
    }

    [Fact]
    public async Task FramesQueuedBeforeStart_FollowTheFirstFrame_InOrder()
    {
        using var outbox = Create();
        outbox.Enqueue(Frame("a"));
        outbox.Enqueue(Frame("b"));
        Assert.Empty(_transport.Sent);

        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 3);
        Assert.Equal(["snapshot", "a", "b"], _transport.Sent);

        outbox.Enqueue(Frame("c"));
        Assert.Equal(["snapshot", "a", "b", "c"], _transport.Sent);
    }

    [Fact]
    public async Task WhenFull_ACursorReplacesTheSameParticipantsQueuedOne()
    {
        using var outbox = Create(capacity: 64);
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);

        _transport.Close();
        outbox.Enqueue(Frame("blocked"));
        for (var i = 0; i < 1000; i++)
        {
            outbox.Enqueue(Frame($"p:{i:0000}", "p"));
            outbox.Enqueue(Frame($"q:{i:0000}", "q"));
            Assert.True(outbox.QueuedBytes <= 64 + 6);
        }

        _transport.Open();
        await Eventually.HoldsAsync(() => _transport.Sent.Contains("q:0999"));
        var sent = _transport.Sent;
        Assert.Contains("p:0999", sent);
        Assert.True(sent.Count < 30, $"{sent.Count} frames were sent; updates were not coalesced.");
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task WhenFull_AFrameThatMayNotBeDropped_FailsTheOutbox()
    {
        using var outbox = Create(capacity: 64);
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);

        _transport.Close();
        outbox.Enqueue(Frame("blocked"));
        for (var i = 0; i < 20; i++)
        {
            outbox.Enqueue(Frame($"presence {i}"));
        }

        Assert.Equal([OutboxFailure.Overflow], _failures);
        Assert.Equal(0, outbox.QueuedBytes);
    }

    [Fact]
    public async Task ASendBlockedPastTheTimeout_FailsTheOutbox()
    {
        using var outbox = Create(sendTimeout: TimeSpan.FromSeconds(5));
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);

        _transport.Close();
        outbox.Enqueue(Frame("stuck"));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Empty(_failures);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.HoldsAsync(() => _failures.Count == 1);
        Assert.Equal(OutboxFailure.SendTimedOut, _failures[0]);
    }

    [Fact]
    public async Task CompleteAsync_WaitsForTheSendInFlight_AndDropsTheQueue()
    {
        using var outbox = Create();
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);
        _transport.Close();
        outbox.Enqueue(Frame("in flight"));
        outbox.Enqueue(Frame("queued"));

        var completion = outbox.CompleteAsync();
        Assert.False(completion.IsCompleted);
        _transport.Open();
        await completion.WaitAsync(TimeSpan.FromSeconds(15));

        outbox.Enqueue(Frame("after"));
        Assert.Equal(["snapshot", "in flight"], _transport.Sent);
    }

    [Fact]
    public async Task WhenFull_TheLastPositionOfEveryParticipantSurvives()
    {
        using var outbox = Create(capacity: 64);
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);

        _transport.Close();
        outbox.Enqueue(Frame("blocked"));
        for (var i = 0; i < 100; i++)
        {
            outbox.Enqueue(Frame($"p:{i:0000}", "p"));
        }

        // Arrives when the outbox is full of another participant's moves: its only position must not be lost.
        outbox.Enqueue(Frame("r:0001", "r"));
        outbox.Enqueue(Frame("p:last", "p"));

        _transport.Open();
        await Eventually.HoldsAsync(() => _transport.Sent.Contains("p:last"));
        Assert.Contains("r:0001", _transport.Sent);
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task WhenFull_ACursorOnlyTickFrame_IsMergedPerParticipant_SoNobodysLastPositionIsLost()
    {
        using var outbox = Create(capacity: 256);
        outbox.Start(Frame("snapshot"));
        await Eventually.HoldsAsync(() => _transport.Sent.Count == 1);

        _transport.Close();
        outbox.Enqueue(Frame("blocked"));
        outbox.Enqueue(TickFrame(("a", 0.125), ("b", 0.125), ("c", 0.125)));
        outbox.Enqueue(TickFrame(("b", 0.25), ("c", 0.25)));
        outbox.Enqueue(TickFrame(("c", 0.5)));

        _transport.Open();
        await Eventually.HoldsAsync(() => _transport.Sent.Count >= 3);
        await Task.Delay(50);

        // Fold every tick frame the client received: each participant ends at its newest position.
        var roster = PresenceReducer.Empty;
        foreach (var text in _transport.Sent.Skip(2))
        {
            Assert.True(PresenceProtocol.TryParseServerFrame(Encoding.UTF8.GetBytes(text), out var messages), text);
            foreach (var message in messages)
            {
                roster = PresenceReducer.Reduce(roster, message, "self");
            }
        }

        Assert.Equal([("a", 0.125), ("b", 0.25), ("c", 0.5)], roster.Values.OrderBy(u => u.Id).Select(u => (u.Id, u.X)));
        Assert.Empty(_failures);
    }

    private static PresenceFrame TickFrame(params (string Id, double X)[] cursors)
    {
        var batch = new RoomBatch();
        foreach (var (id, x) in cursors)
        {
            var user = new PresenceUser(id, id.ToUpperInvariant(), "#123456", x, 0.5, 1);
            batch.Add(FrameEncoder.Cursor(new ParticipantText(user), user), id, isCursor: true, publish: true);
        }

        return RoomBatch.Frame(batch.Drain());
    }
}
