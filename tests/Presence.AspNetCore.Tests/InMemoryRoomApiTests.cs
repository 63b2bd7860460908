using Presence.Testing.ScaleOut;

namespace Presence.AspNetCore.Tests;

/// <summary>
/// The room API suite on one real Kestrel instance with the in-memory store, the default of
/// <c>AddPresence()</c>: whatever the suite asks of several instances, one instance does alone.
/// </summary>
public sealed class InMemoryRoomApiTests : RoomApiBehaviorTests
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) => await SingleKestrelFleet.StartAsync();
}

/// <summary>The grace period of signed-in participants on one real Kestrel instance with the in-memory store.</summary>
public sealed class InMemoryDepartureGraceTests : DepartureGraceBehaviorTests
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) => await SingleKestrelFleet.StartAsync();
}

/// <summary>A signed-in user's tabs on one real Kestrel instance with the in-memory store.</summary>
public sealed class InMemorySignedInTabsTests : SignedInTabsBehaviorTests
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) => await SingleKestrelFleet.StartAsync();
}
