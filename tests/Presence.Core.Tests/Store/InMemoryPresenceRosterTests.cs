using Microsoft.Extensions.Options;
using Presence.Testing;

namespace Presence.Tests.Store;

public sealed class InMemoryPresenceRosterTests : RosterConformanceTests
{
    protected override Task<IPresenceRoster> CreateRosterAsync() =>
        Task.FromResult<IPresenceRoster>(new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions()), Time));

    [Fact]
    public async Task StaleAfter_IsConfigurable()
    {
        var roster = new InMemoryPresenceRoster(Options.Create(new InMemoryPresenceRosterOptions { StaleAfter = TimeSpan.FromSeconds(5) }), Time);
        await roster.ClaimAsync(Room, User("a"), "s1");
        Time.Advance(TimeSpan.FromSeconds(4));
        Assert.Single(await roster.SnapshotAsync(Room));
        Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Empty(await roster.SnapshotAsync(Room));
    }
}
