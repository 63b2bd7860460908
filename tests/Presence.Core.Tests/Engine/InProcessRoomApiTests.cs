using Presence.Testing.ScaleOut;

namespace Presence.Tests.Engine;

/// <summary>The room API suite on instances in one process that share an in-memory roster and backplane.</summary>
public sealed class InProcessRoomApiTests : RoomApiBehaviorTests
{
    protected override Task<ScaleOutFleet> StartFleetAsync(int instances) => Task.FromResult<ScaleOutFleet>(new InProcessScaleOutFleet(instances));
}

/// <summary>The grace period of signed-in participants on instances in one process.</summary>
public sealed class InProcessDepartureGraceTests : DepartureGraceBehaviorTests
{
    protected override Task<ScaleOutFleet> StartFleetAsync(int instances) => Task.FromResult<ScaleOutFleet>(new InProcessScaleOutFleet(instances));
}

/// <summary>A signed-in user's tabs on instances in one process.</summary>
public sealed class InProcessSignedInTabsTests : SignedInTabsBehaviorTests
{
    protected override Task<ScaleOutFleet> StartFleetAsync(int instances) => Task.FromResult<ScaleOutFleet>(new InProcessScaleOutFleet(instances));
}
