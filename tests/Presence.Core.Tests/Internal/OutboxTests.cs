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

    private static OutboundFrame Frame(string text, string? cursorOwner = null) => new(Encoding.UTF8.GetBytes(text), cursorOwner);

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
}
