using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Presence.Testing;

namespace Presence.AspNetCore.Tests;

/// <summary>An app with signed-in users, on real Kestrel: the participant is the user, and the app decides who joins.</summary>
public sealed class SignedInIdentityTests
{
    [Fact]
    public async Task AliceSignedIn_AskingForBobsId_IsAlice_AndBobIsUntouched()
    {
        await using var app = await StartAsync();
        await using var bob = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?id=bob&room=doc", "X-Test-User: bob", "X-Test-Name: Bob");
        Assert.Equal("bob", (await ReadSnapshotAsync(bob)).SelfId);

        await using var alice = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?id=bob&name=Bob&room=doc", "X-Test-User: alice", "X-Test-Name: Alice");
        var snapshot = await ReadSnapshotAsync(alice);
        Assert.Equal("alice", snapshot.SelfId);
        Assert.Equal("Alice", snapshot.Users.Single(u => u.Id == "alice").Name);
        Assert.Equal("Bob", snapshot.Users.Single(u => u.Id == "bob").Name);

        // Bob sees Alice arrive as herself, and is neither replaced nor renamed.
        var seen = await ReadUntilAsync(bob, text => text.Contains("\"alice\"", StringComparison.Ordinal));
        Assert.Contains("\"name\":\"Alice\"", seen, StringComparison.Ordinal);
        await bob.SendTextAsync("""{"type":"cursor","x":0.25,"y":0.75}""");
        await ReadUntilAsync(alice, text => text.Contains("\"bob\"", StringComparison.Ordinal) && text.Contains("0.25", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSameUserAgain_NeedsNoResumeToken()
    {
        await using var app = await StartAsync();
        await using var first = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=doc", "X-Test-User: carol");
        Assert.Equal("carol", (await ReadSnapshotAsync(first)).SelfId);
        await using var second = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=doc", "X-Test-User: carol");
        Assert.Equal("carol", (await ReadSnapshotAsync(second)).SelfId);
    }

    [Fact]
    public async Task AUserIdThatIsNoParticipantId_IsMappedToAStableOne()
    {
        await using var app = await StartAsync();
        await using var first = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?id=x&room=doc", "X-Test-User: dana@example.com");
        var id = (await ReadSnapshotAsync(first)).SelfId;
        Assert.StartsWith("u-", id, StringComparison.Ordinal);
        Assert.True(PresenceRules.IsIdentifier(id));
        await first.DisposeAsync();

        await using var again = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=other", "X-Test-User: dana@example.com");
        Assert.Equal(id, (await ReadSnapshotAsync(again)).SelfId);
    }

    [Fact]
    public async Task RequireAuthorization_RefusesAnonymousUpgrades()
    {
        await using var app = await StartAsync(requireAuthorization: true);
        await using var anonymous = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?id=mallory&room=doc");
        Assert.Equal(401, anonymous.Status);
        await using var signedIn = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=doc", "X-Test-User: erin");
        Assert.Equal(101, signedIn.Status);
    }

    [Fact]
    public async Task AJoinHook_RefusesWithItsReason_AndShapesTheJoinsItAllows()
    {
        await using var app = await StartAsync(presence: builder => builder.OnJoin(join =>
            ValueTask.FromResult(join.Room == "secret" && join.ParticipantId != "frank"
                ? PresenceJoinDecision.Reject("You may not see this document.")
                : Shape(join))));

        await using var refused = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=secret", "X-Test-User: grace");
        Assert.Equal(101, refused.Status);
        var close = await refused.ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0x8, close.Opcode);
        Assert.Equal(4003, close.CloseCode);
        Assert.Equal("You may not see this document.", System.Text.Encoding.UTF8.GetString(close.Payload.AsSpan(2)));
        Assert.Equal(0, app.Engine.ConnectionCount);

        await using var allowed = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=secret&color=%23000000", "X-Test-User: frank", "X-Test-Name: Frank");
        var user = (await ReadSnapshotAsync(allowed)).Users.Single(u => u.Id == "frank");
        Assert.Equal(("Frank (staff)", "#ff8800"), (user.Name, user.Color));

        static PresenceJoinDecision Shape(PresenceJoinContext join)
        {
            join.Name += " (staff)";
            join.Color = "#ff8800";
            return PresenceJoinDecision.Allow;
        }
    }

    [Fact]
    public async Task TheAvatarClaim_AndAJoinHooksInfo_AreServerOwned_AndEveryoneSeesThem()
    {
        await using var app = await StartAsync(presence: builder => builder.OnJoin(join =>
        {
            // The app's own data: a role from its database, next to the avatar the claim gave.
            var role = PresenceState.Parse(join.ParticipantId == "heidi" ? """{"role":"owner"}""" : """{"role":"viewer"}""");
            join.Info = join.Info?.Merge(role) ?? role;
            return ValueTask.FromResult(PresenceJoinDecision.Allow);
        }));

        await using var heidi = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=doc", "X-Test-User: heidi", "X-Test-Picture: https://cdn.example/heidi.png");
        var self = (await ReadSnapshotAsync(heidi)).Users.Single(u => u.Id == "heidi");
        Assert.Equal("""{"avatar":"https://cdn.example/heidi.png","role":"owner"}""", self.Info?.ToString());

        // A picture that is no web URL is not passed on; the hook's info still is.
        await using var ivan = await RawWebSocketClient.ConnectAsync(app.Address, "/ws?room=doc", "X-Test-User: ivan", "X-Test-Picture: javascript:alert(1)");
        var snapshot = await ReadSnapshotAsync(ivan);
        Assert.Equal("""{"role":"viewer"}""", snapshot.Users.Single(u => u.Id == "ivan").Info?.ToString());
        Assert.Equal(self.Info, snapshot.Users.Single(u => u.Id == "heidi").Info);

        // Heidi's client sets its state; the info it tries to send is not its to change.
        await heidi.SendTextAsync("""{"type":"state","replace":{"status":"busy"},"info":{"role":"viewer"}}""");
        var presence = await ReadUntilAsync(ivan, text => text.Contains("\"busy\"", StringComparison.Ordinal));
        Assert.True(PresenceProtocol.TryParseServerMessage(System.Text.Encoding.UTF8.GetBytes(presence), out var message));
        var user = Assert.IsType<PresenceMessage>(message).User;
        Assert.Equal(("""{"status":"busy"}""", self.Info), (user.State?.ToString(), user.Info));
    }

    private static async Task<SnapshotMessage> ReadSnapshotAsync(RawWebSocketClient client)
    {
        Assert.Equal(101, client.Status);
        var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.True(PresenceProtocol.TryParseServerMessage(frame.Payload, out var message), frame.Text);
        return Assert.IsType<SnapshotMessage>(message);
    }

    private static async Task<string> ReadUntilAsync(RawWebSocketClient client, Func<string, bool> matches)
    {
        while (true)
        {
            var frame = await client.ReadFrameAsync(TimeSpan.FromSeconds(15));
            Assert.NotEqual(0x8, frame.Opcode);
            if (frame.Opcode == 0x1 && matches(frame.Text))
            {
                return frame.Text;
            }
        }
    }

    // An app as a user writes one: its own sign-in (here a header stands for a cookie), then the two lines.
    private static async Task<App> StartAsync(bool requireAuthorization = false, Action<IPresenceBuilder>? presence = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(HeaderAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>(HeaderAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
        presence?.Invoke(builder.Services.AddPresence());
        builder.Services.AddPresence();
        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        var endpoint = web.MapPresence("/ws");
        if (requireAuthorization)
        {
            endpoint.RequireAuthorization();
        }

        await web.StartAsync();
        var address = web.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new App(web, new Uri(address));
    }

    private sealed class App(WebApplication web, Uri address) : IAsyncDisposable
    {
        public Uri Address => address;

        public PresenceEngine Engine => web.Services.GetRequiredService<PresenceEngine>();

        public ValueTask DisposeAsync() => web.DisposeAsync();
    }

    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "TestHeader";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers["X-Test-User"].ToString() is not { Length: > 0 } user)
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            List<Claim> claims = [new(ClaimTypes.NameIdentifier, user)];
            if (Request.Headers["X-Test-Name"].ToString() is { Length: > 0 } name)
            {
                claims.Add(new Claim(ClaimTypes.Name, name));
            }

            if (Request.Headers["X-Test-Picture"].ToString() is { Length: > 0 } picture)
            {
                claims.Add(new Claim("picture", picture));
            }

            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName)));
        }
    }
}
