using System.Net;
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

    private KestrelPresenceServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _app.Services;

    public PresenceEngine Engine => _app.Services.GetRequiredService<PresenceEngine>();

    public static async Task<KestrelPresenceServer> StartAsync(
        Action<PresenceOptions>? configure = null,
        IEnumerable<KeyValuePair<string, string?>>? settings = null,
        Action<IPresenceBuilder>? presence = null,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols));
        builder.Logging.ClearProviders();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var presenceBuilder = builder.Services.AddPresence(configure);
        presence?.Invoke(presenceBuilder);
        var app = builder.Build();
        app.MapPresence("/ws");
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new KestrelPresenceServer(app, new Uri(address));
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
        return await WebSocketTestClient.ConnectAsync(uri, version, deflate);
    }

    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
