using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.FileProviders;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Presence;

// Socket completions run on the socket engine's thread instead of waking a thread-pool worker each: Kestrel only moves
// the bytes into the connection's buffer there, and v2 clients' messages are then read on the tick
// (docs/benchmarks.md measures it). The runtime reads the variable once, before the first socket; an operator's own
// setting wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var builder = WebApplication.CreateBuilder(args);

// Its JSON is serialised by generated code, so that the server runs as a Native AOT build too.
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, SampleJsonContext.Default));
var presence = builder.Services.AddPresence();
builder.Services.AddHealthChecks().AddPresence();

// Metrics for the operator's collector, when OTEL_EXPORTER_OTLP_ENDPOINT names one (OTEL_EXPORTER_OTLP_PROTOCOL and
// OTEL_METRIC_EXPORT_INTERVAL as OpenTelemetry defines them): the Presence meter, listed in docs/operations.md, and
// ASP.NET Core's own.
if (builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 })
{
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService("presence-sample"))
        .WithMetrics(metrics => metrics.AddMeter(PresenceMeter.Name, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"))
        .UseOtlpExporter();
}

// As in the seed: Redis when REDIS_URL is set, so that several instances share one roster; memory otherwise.
if (builder.Configuration["REDIS_URL"] is { Length: > 0 } redisUrl)
{
    presence.AddRedis(redisUrl);
}

// Behind the gateway (or any proxy on this machine), the client's address and the page's host come in X-Forwarded-*
// headers: the per-address caps then count the client, and the origin check compares the page with the host the
// browser asked for. Only loopback proxies are trusted, and only for the hosts this server answers to.
builder.Services.Configure<ForwardedHeadersOptions>(options =>
{
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
    options.AllowedHosts = (builder.Configuration["AllowedHosts"] ?? "*").Split(';', StringSplitOptions.RemoveEmptyEntries);
});

var app = builder.Build();
app.UseForwardedHeaders();

// The single origin routes /server/* here with the prefix still on, as the seed's Services rewrite does:
// /server/ws and /ws reach the same endpoint.
app.UsePathBase("/server");

// The board's static export, copied next to the server by the build, is served at "/".
var boardRoot = app.Configuration["Board:Root"] ?? Path.Combine(AppContext.BaseDirectory, "board");
if (Directory.Exists(boardRoot))
{
    var board = new PhysicalFileProvider(Path.GetFullPath(boardRoot));
    app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = board });
    app.UseStaticFiles(new StaticFileOptions { FileProvider = board });
}

app.UseRouting();

app.MapPresence("/ws");

// For load balancers and orchestrators: "Healthy", "Degraded" (200: the store is away, local clients are still served)
// or "Unhealthy" (503).
app.MapHealthChecks("/health");

// The seed's own health route, with its JSON body.
app.MapGet("/api/v1/health", (PresenceEngine engine) =>
{
    // Degraded: the store is unreachable, so this instance serves its own clients only. Unhealthy: its ticks stalled.
    var health = engine.CheckHealth();
    var report = new HealthReport(
        health.Status switch { PresenceHealthStatus.Healthy => "ok", PresenceHealthStatus.Degraded => "degraded", _ => "unhealthy" },
        engine.StoreLabel,
        engine.ConnectionCount,
        health.Description);
    return health.Status == PresenceHealthStatus.Unhealthy
        ? Results.Json(report, SampleJsonContext.Default.HealthReport, statusCode: StatusCodes.Status503ServiceUnavailable)
        : Results.Ok(report);
});

app.Run();

internal sealed record HealthReport(string Status, string StateStore, int Connections, string Description);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthReport))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
