using Presence.Testing.ScaleOut;

namespace Presence.Tests.Engine;

/// <summary>The scale-out suite in one process: many sequences, cheaply, several at once.</summary>
public sealed class InProcessScaleOutTests : ScaleOutBehaviorTests
{
    protected override int SequenceCount => 200;

    protected override int Parallelism => 8;

    protected override Task<ScaleOutFleet> StartFleetAsync(int instances) => Task.FromResult<ScaleOutFleet>(new InProcessScaleOutFleet(instances));
}
