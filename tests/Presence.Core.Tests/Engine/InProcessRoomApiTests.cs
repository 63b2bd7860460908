using Presence.Testing.ScaleOut;

namespace Presence.Tests.Engine;

/// <summary>The room API suite on instances in one process that share an in-memory roster and backplane.</summary>
public sealed class InProcessRoomApiTests : RoomApiBehaviorTests
{
    protected override Task<ScaleOutFleet> StartFleetAsync(int instances) => Task.FromResult<ScaleOutFleet>(new InProcessScaleOutFleet(instances));
}
