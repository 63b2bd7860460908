using Microsoft.Extensions.Options;
using Presence.Testing;

namespace Presence.Tests.Store;

public sealed class InMemoryPresenceStoreTests : StoreConformanceTests
{
    protected override bool FansOut => false;

    protected override Task<IPresenceStore> CreateStoreAsync() =>
        Task.FromResult<IPresenceStore>(new InMemoryPresenceStore(Options.Create(new InMemoryPresenceStoreOptions()), Time));

    [Fact]
    public async Task StaleAfter_IsConfigurable()
    {
        var store = new InMemoryPresenceStore(Options.Create(new InMemoryPresenceStoreOptions { StaleAfter = TimeSpan.FromSeconds(5) }), Time);
        await store.UpsertAsync(Room, User("a"));
        Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Single(await store.SnapshotAsync(Room));
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await store.SnapshotAsync(Room));
    }
}
