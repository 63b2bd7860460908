using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>The instruments of the meter <see cref="PresenceMeter.Name"/>, with their bounded tags.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task TheEngine_ReportsConnectionsRoomsTicksAndFanOut_TaggedByProtocolAndStore_NeverByRoom()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var measured = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // This test's engine only: every other test's engine has a meter of the same name.
            if (instrument.Meter.Name == PresenceMeter.Name && instrument.Meter.Scope == factory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => measured.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => measured.Enqueue((i.Name, v, Tags(tags))));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => measured.Enqueue((i.Name, v, Tags(tags))));
        listener.Start();

        await using (var host = new EngineHost(meterFactory: factory))
        {
            await using var one = host.Connect("one", room: "metrics");
            await one.WaitForAsync<SnapshotMessage>();
            var two = host.Connect("two", room: "metrics", version: PresenceProtocolVersion.V2);
            await two.WaitForAsync<SnapshotMessage>();
            await two.SendCursorAsync(0.1, 0.2);
            await one.SendCursorAsync(0.3, 0.4);
            await one.SendTextAsync("not json");
            await two.WaitForRosterAsync(r => r.TryGetValue("one", out var u) && u.X == 0.3);
            await one.WaitForRosterAsync(r => r.TryGetValue("two", out var u) && u.X == 0.1);
            listener.RecordObservableInstruments();
            await two.CloseAsync();
            await two.DisposeAsync();
            await one.WaitForAsync<LeaveMessage>(l => l.Id == "two");
            await Eventually.HoldsAsync(() => measured.Any(m => m.Instrument == "presence.connections.closed"));
        }

        var all = measured.ToArray();
        Assert.All(all, m => Assert.DoesNotContain(m.Tags.Values, v => v as string is "metrics" or "one" or "two"));

        // One connection of each protocol opened, on the in-memory store, and the v2 one closed normally.
        Assert.Contains(all, m => m is { Instrument: "presence.connections", Value: 1 } && Tag(m, "presence.protocol") == "v1" && Tag(m, "presence.store") == "memory");
        Assert.Contains(all, m => m is { Instrument: "presence.connections", Value: 1 } && Tag(m, "presence.protocol") == "v2");
        Assert.Contains(all, m => m is { Instrument: "presence.connections", Value: -1 } && Tag(m, "presence.protocol") == "v2");
        Assert.Contains(all, m => m.Instrument == "presence.connections.closed" && Tag(m, "presence.close_status") == "1000" && Tag(m, "presence.protocol") == "v2");
        Assert.Contains(all, m => m.Instrument == "presence.messages.received" && Tag(m, "presence.protocol") == "v1");
        Assert.Contains(all, m => m.Instrument == "presence.messages.ignored" && Tag(m, "presence.protocol") == "v1");
        Assert.Contains(all, m => m is { Instrument: "presence.rooms", Value: 1 });

        // Ticks are timed; the v2 client's cursor reached the v1 client at once, and the v1 client's the v2 one in a frame.
        Assert.Contains(all, m => m.Instrument == "presence.tick.duration" && m.Value >= 0);
        Assert.Contains(all, m => m is { Instrument: "presence.fanout.size", Value: >= 1 } && Tag(m, "presence.protocol") == "v1");
        Assert.Contains(all, m => m is { Instrument: "presence.fanout.size", Value: >= 1 } && Tag(m, "presence.protocol") == "v2");
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            copy[key] = value;
        }

        return copy;
    }

    private static string? Tag((string Instrument, double Value, Dictionary<string, object?> Tags) measurement, string key) =>
        measurement.Tags.TryGetValue(key, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
