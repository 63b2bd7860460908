using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Presence.Testing;

namespace Presence.Sample.Server.Tests;

/// <summary>The sample exports the Presence meter over OTLP to whatever collector its environment names.</summary>
public sealed class OpenTelemetryTests
{
    [Fact]
    public async Task WithAnOtlpEndpoint_TheSampleExportsThePresenceInstruments()
    {
        // A stand-in collector on loopback: it keeps what is posted to the OTLP/HTTP metrics path.
        var received = new ConcurrentQueue<byte[]>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await collector.StartAsync();
        var endpoint = collector.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();

        await using var server = await SampleServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await using var client = await server.ConnectAsync("/ws", "otel", "Otel", "#123456", "otel");
        await client.WaitForAsync<SnapshotMessage>();

        // Protobuf keeps names and string values as UTF-8: the instruments and their tags are there to be found.
        await Eventually.HoldsAsync(() => received.Any(body => Contains(body, "presence.connections") && Contains(body, "presence.protocol") && Contains(body, "presence.tick.duration")));
        await collector.StopAsync();
    }

    private static bool Contains(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
