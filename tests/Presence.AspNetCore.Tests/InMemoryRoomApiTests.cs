using Microsoft.Extensions.DependencyInjection;
using Presence.Testing;
using Presence.Testing.ScaleOut;

namespace Presence.AspNetCore.Tests;

/// <summary>
/// The room API suite on one real Kestrel instance with the in-memory store, the default of
/// <c>AddPresence()</c>: whatever the suite asks of several instances, one instance does alone.
/// </summary>
public sealed class InMemoryRoomApiTests : RoomApiBehaviorTests
{
    protected override async Task<ScaleOutFleet> StartFleetAsync(int instances) => await SingleKestrelFleet.StartAsync();

    private sealed class SingleKestrelFleet(KestrelPresenceServer server) : ScaleOutFleet
    {
        public static async Task<SingleKestrelFleet> StartAsync()
        {
            return new SingleKestrelFleet(await KestrelPresenceServer.StartAsync(configure: Configure));
        }

        public override int InstanceCount => 1;

        public override async Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version) =>
            await server.ConnectAsync(id, name, color, room, version);

        public override IPresenceRooms Rooms(int instance) => server.Services.GetRequiredService<IPresenceRooms>();

        public override Task<int> SubscriptionCountAsync(string? room) => throw new NotSupportedException("One instance subscribes to nothing.");

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
