using Presence.Testing;

namespace Presence.Tests.Engine;

public sealed class PresenceClientTests
{
    [Fact]
    public async Task AV2ClientOverTheStreamTransport_FollowsTheRoom()
    {
        await using var host = new EngineHost();
        var (server, clientEnd) = StreamPresenceTransport.CreatePair();
        var run = Task.Run(() => host.Engine.RunAsync(server, new PresenceJoinRequest("dotnet", "Dotnet", "#512bd4", "client") { Version = PresenceProtocolVersion.V2 }));
        var client = new PresenceClient(clientEnd);
        var receiving = client.RunAsync();

        await using var other = host.Connect("other", "Other", "#00ff00", "client");
        await other.WaitForRosterAsync(r => r.ContainsKey("dotnet"));
        await Eventually.HoldsAsync(() => client.Roster.ContainsKey("other"));
        Assert.Equal("dotnet", client.SelfId);

        await other.SendCursorAsync(0.25, 0.75);
        await Eventually.HoldsAsync(() => client.Roster.TryGetValue("other", out var u) && u.X == 0.25 && u.Y == 0.75);

        await client.SendCursorAsync(0.5, 0.125);
        await other.WaitForAsync<CursorMessage>(c => c.User.Id == "dotnet" && c.User.Y == 0.125);
        await client.SendHelloAsync("Renamed", "#123456");
        await other.WaitForRosterAsync(r => r.TryGetValue("dotnet", out var u) && u.Name == "Renamed");

        await other.CloseAsync();
        await Eventually.HoldsAsync(() => !client.Roster.ContainsKey("other"));

        await client.DisposeAsync();
        await receiving.WaitAsync(PresenceTestClient.DefaultTimeout);
        await run.WaitAsync(PresenceTestClient.DefaultTimeout);
    }
}
