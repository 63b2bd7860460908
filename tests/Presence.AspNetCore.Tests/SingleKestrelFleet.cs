using Microsoft.Extensions.DependencyInjection;
using Presence.Testing;
using Presence.Testing.ScaleOut;

namespace Presence.AspNetCore.Tests;

/// <summary>One real Kestrel instance with the in-memory store, the default of <c>AddPresence()</c>, as a fleet of one.</summary>
internal sealed class SingleKestrelFleet(KestrelPresenceServer server) : ScaleOutFleet
{
    public static async Task<SingleKestrelFleet> StartAsync() => new(await KestrelPresenceServer.StartAsync(configure: Configure));

    public override int InstanceCount => 1;

    public override async Task<PresenceTestClient> ConnectAsync(int instance, string id, string name, string color, string? room, PresenceProtocolVersion version) =>
        await server.ConnectAsync(id, name, color, room, version);

    public override bool CanSignIn => true;

    public override async Task<PresenceTestClient> ConnectSignedInAsync(int instance, string userId, string? room, PresenceProtocolVersion version) =>
        await server.ConnectSignedInAsync(userId, room, version);

    public override IPresenceRooms Rooms(int instance) => server.Services.GetRequiredService<IPresenceRooms>();

    public override Task<int> SubscriptionCountAsync(string? room) => throw new NotSupportedException("One instance subscribes to nothing.");

    public override ValueTask DisposeAsync() => server.DisposeAsync();
}
