namespace Presence.Testing;

/// <summary>
/// What every <see cref="IPresenceBackplane"/> must do, with several instances: each test creates them from one
/// factory, so that the in-process backplane and the distributed ones cannot drift apart.
/// </summary>
public abstract class BackplaneConformanceTests
{
    protected string Room { get; } = "b" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates one more instance's backplane, sharing the others' bus.</summary>
    protected abstract Task<IPresenceBackplane> CreateInstanceAsync();

    private static PresenceBatch Batch(params string[] messages) =>
        new([.. messages.Select(m => (ReadOnlyMemory<byte>)System.Text.Encoding.UTF8.GetBytes(m))]);

    [Fact]
    public async Task APublication_ReachesTheOtherInstances_ButNotItsOwn()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var toSender = new List<string>();
        var toReceiver = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var senderSubscription = await sender.SubscribeAsync(Room, m => { lock (toSender) { toSender.Add(Text(m)); } });
        await using var receiverSubscription = await receiver.SubscribeAsync(Room, m => toReceiver.TrySetResult(Text(m)));

        await sender.PublishAsync(Room, Batch("""{"type":"leave","id":"a"}"""));

        var received = await toReceiver.Task.WaitAsync(PresenceTestClient.DefaultTimeout);
        Assert.True(PresenceProtocol.TryParseServerFrame(System.Text.Encoding.UTF8.GetBytes(received), out var messages), received);
        Assert.Equal([new LeaveMessage("a")], messages);
        lock (toSender)
        {
            Assert.Empty(toSender);
        }
    }

    [Fact]
    public async Task OneRoomsPublications_ArriveInTheOrderTheyWereMade()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var received = new List<string>();
        await using var subscription = await receiver.SubscribeAsync(Room, m => { lock (received) { received.Add(Text(m)); } });

        for (var i = 0; i < 200; i++)
        {
            await sender.PublishAsync(Room, Batch($$"""{"type":"leave","id":"p{{i}}"}"""));
        }

        await Eventually.HoldsAsync(() => { lock (received) { return received.Count == 200; } });
        lock (received)
        {
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"p{i}"), received.Select(IdOf));
        }
    }

    [Fact]
    public async Task AfterItsSubscriptionEnds_AnInstanceHearsNothingMore_AndOtherRoomsAreNotHeard()
    {
        var sender = await CreateInstanceAsync();
        var receiver = await CreateInstanceAsync();
        var received = new List<string>();
        var subscription = await receiver.SubscribeAsync(Room, m => { lock (received) { received.Add(IdOf(Text(m))); } });

        await sender.PublishAsync(Room + "x", Batch("""{"type":"leave","id":"elsewhere"}"""));
        await sender.PublishAsync(Room, Batch("""{"type":"leave","id":"first"}"""));
        await Eventually.HoldsAsync(() => { lock (received) { return received.Contains("first"); } });
        await subscription.DisposeAsync();

        await sender.PublishAsync(Room, Batch("""{"type":"leave","id":"after"}"""));
        var other = await receiver.SubscribeAsync(Room + "-sentinel", m => { lock (received) { received.Add(IdOf(Text(m))); } });
        await using (other)
        {
            await sender.PublishAsync(Room + "-sentinel", Batch("""{"type":"leave","id":"sentinel"}"""));
            await Eventually.HoldsAsync(() => { lock (received) { return received.Contains("sentinel"); } });
        }

        lock (received)
        {
            Assert.Equal(["first", "sentinel"], received);
        }
    }

    private static string Text(ReadOnlyMemory<byte> message) => System.Text.Encoding.UTF8.GetString(message.Span);

    private static string IdOf(string message)
    {
        Assert.True(PresenceProtocol.TryParseServerFrame(System.Text.Encoding.UTF8.GetBytes(message), out var messages), message);
        return ((LeaveMessage)Assert.Single(messages)).Id;
    }
}
