using Microsoft.Extensions.Time.Testing;

namespace Presence.Testing;

/// <summary>
/// What every <see cref="IPresenceStore"/> must do. Each store's tests inherit this suite, so that the in-memory
/// store and the distributed ones cannot drift apart.
/// </summary>
public abstract class StoreConformanceTests
{
    protected FakeTimeProvider Time { get; } = new(DateTimeOffset.UnixEpoch.AddYears(56));

    protected string Room { get; } = "r" + Guid.NewGuid().ToString("N");

    /// <summary>Creates a store that is one server instance, on <see cref="Time"/>, pruning after 120 seconds.</summary>
    protected abstract Task<IPresenceStore> CreateStoreAsync();

    /// <summary>Gets a value telling whether the store carries messages between instances.</summary>
    protected abstract bool FansOut { get; }

    protected static PresenceUser User(string id, double x = 0.5, string name = "Name") => new(id, name, "#123456", x, 0.5, 1_700_000_000.5);

    [Fact]
    public async Task Snapshot_OfAnUnknownRoom_IsEmpty()
    {
        var store = await CreateStoreAsync();
        Assert.Empty(await store.SnapshotAsync(Room));
    }

    [Fact]
    public async Task Upsert_AddsAndReplaces_ById()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Room, User("a", 0.1));
        await store.UpsertAsync(Room, User("b", 0.2));
        await store.UpsertAsync(Room, User("a", 0.3, "Renamed"));

        var users = (await store.SnapshotAsync(Room)).OrderBy(u => u.Id).ToList();
        Assert.Equal([User("a", 0.3, "Renamed"), User("b", 0.2)], users);
    }

    [Fact]
    public async Task Remove_TakesTheParticipantOut_AndIgnoresUnknownIds()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Room, User("a"));
        await store.UpsertAsync(Room, User("b"));
        await store.RemoveAsync(Room, "a");
        await store.RemoveAsync(Room, "nobody");
        await store.RemoveAsync(Room + "x", "b");

        Assert.Equal(["b"], (await store.SnapshotAsync(Room)).Select(u => u.Id));
    }

    [Fact]
    public async Task Rooms_AreIsolated()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Room, User("a"));
        await store.UpsertAsync(Room + "-2", User("b"));

        Assert.Equal(["a"], (await store.SnapshotAsync(Room)).Select(u => u.Id));
        Assert.Equal(["b"], (await store.SnapshotAsync(Room + "-2")).Select(u => u.Id));
    }

    [Fact]
    public async Task Snapshot_LeavesOutParticipantsNotUpsertedForTheStaleTime()
    {
        var store = await CreateStoreAsync();
        await store.UpsertAsync(Room, User("old"));
        Time.Advance(TimeSpan.FromSeconds(100));
        await store.UpsertAsync(Room, User("new"));
        Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(["new"], (await store.SnapshotAsync(Room)).Select(u => u.Id));
    }

    [Fact]
    public async Task Upsert_KeepsAnUnchangedParticipantAlive()
    {
        var store = await CreateStoreAsync();
        var idle = User("idle");
        await store.UpsertAsync(Room, idle);
        for (var i = 0; i < 10; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(30));
            await store.UpsertAsync(Room, idle);
        }

        Assert.Equal([idle], await store.SnapshotAsync(Room));
    }

    [Fact]
    public async Task Publish_ReachesOtherInstances_ButNotItsOwn()
    {
        if (!FansOut)
        {
            Assert.Skip("This store serves a single instance.");
        }

        var sender = await CreateStoreAsync();
        var receiver = await CreateStoreAsync();
        var toSender = new List<string>();
        var toReceiver = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var senderSubscription = await sender.SubscribeAsync(Room, m => toSender.Add(System.Text.Encoding.UTF8.GetString(m.Span)));
        await using var receiverSubscription = await receiver.SubscribeAsync(Room, m => toReceiver.TrySetResult(System.Text.Encoding.UTF8.GetString(m.Span)));

        await sender.PublishAsync(Room, """{"type":"leave","id":"a"}"""u8.ToArray());

        Assert.Equal("""{"type":"leave","id":"a"}""", await toReceiver.Task.WaitAsync(PresenceTestClient.DefaultTimeout));
        Assert.Empty(toSender);
    }
}
