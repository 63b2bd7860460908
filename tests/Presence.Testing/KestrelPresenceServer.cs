using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Presence.Testing;

/// <summary>A real Kestrel server on 127.0.0.1 with a free port, serving presence at <c>/ws</c>.</summary>
public sealed class KestrelPresenceServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2? _certificate;

    private KestrelPresenceServer(WebApplication app, Uri baseAddress, X509Certificate2? certificate)
    {
        _app = app;
        BaseAddress = baseAddress;
        _certificate = certificate;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public PresenceEngine Engine => _app.Services.GetRequiredService<PresenceEngine>();

    public static async Task<KestrelPresenceServer> StartAsync(
        Action<PresenceOptions>? configure = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<IPresenceBuilder>? presence = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        bool https = false,
        ILoggerProvider? logs = null)
    {
        var certificate = https ? CreateCertificate() : null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = protocols;
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        // A stand-in for the app's own sign-in: a request with the test header is that user; any other is anonymous.
        builder.Services.AddAuthentication(TestSignIn.SchemeName).AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestSignIn>(TestSignIn.SchemeName, null);
        var presenceBuilder = builder.Services.AddPresence(configure);
        presence?.Invoke(presenceBuilder);
        builder.Services.AddHealthChecks().AddPresence();
        var app = builder.Build();
        app.UseAuthentication();
        app.MapPresence("/ws");
        app.MapHealthChecks("/health");
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new KestrelPresenceServer(app, new Uri(address), certificate);
    }

    public async Task<WebSocketTestClient> ConnectAsync(
        string? id,
        string? name = null,
        string? color = null,
        string? room = null,
        PresenceProtocolVersion version = PresenceProtocolVersion.V1,
        bool deflate = false)
    {
        var uri = WebSocketUris.Create(BaseAddress, "/ws", id, name, color, room);
        return await WebSocketTestClient.ConnectAsync(uri, version, deflate, _certificate);
    }

    /// <summary>Connects as a signed-in user: the endpoint takes the participant id from the user, not the query.</summary>
    public async Task<WebSocketTestClient> ConnectSignedInAsync(string userId, string? room = null, PresenceProtocolVersion version = PresenceProtocolVersion.V1)
    {
        var uri = WebSocketUris.Create(BaseAddress, "/ws", null, userId, "#123456", room);
        return await WebSocketTestClient.ConnectAsync(uri, version, deflate: false, _certificate, signedInUser: userId);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate?.Dispose();
    }

    // A self-signed certificate for 127.0.0.1, trusted by this server's own clients only.
    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Kestrel needs the private key in a form the platform's TLS can use: a PKCS#12 round trip gives it.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
