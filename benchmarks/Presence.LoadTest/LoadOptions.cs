using System.Globalization;

namespace Presence.LoadTest;

/// <summary>The load to apply, from the command line.</summary>
internal sealed record LoadOptions(
    string[] Urls,
    int Clients,
    double Rate,
    int Rooms,
    TimeSpan Duration,
    TimeSpan Warmup,
    string Protocol,
    int SlowClients,
    bool Deflate,
    int? ServerPid,
    int ChurnRounds,
    int IdleRamp)
{
    /// <summary>Gets a value telling whether the clients ask for protocol v2.</summary>
    public bool V2 => Protocol == "v2";

    /// <summary>Gets a value telling whether the clients speak SignalR's JSON hub protocol instead.</summary>
    public bool SignalR => Protocol == "signalr";

    public const string Usage = """
        Presence.LoadTest: opens N WebSocket clients that move their cursors, and measures what arrives.
          --url ws://127.0.0.1:5099/ws[,ws://…]   server endpoints, used round-robin (default ws://127.0.0.1:5099/ws)
          --clients N                          moving clients (default 50)
          --rate HZ                            cursor updates per client per second (default 12.5)
          --rooms R                            rooms, clients spread round-robin (default 1)
          --duration S                         measured seconds (default 30), after --warmup S (default 5)
          --protocol v1|v2|signalr             wire protocol (default v1); signalr speaks the JSON hub protocol
                                               to benchmarks/Presence.Peers.SignalR (--url ws://…/hub)
          --slow-clients K                     extra clients that connect and never read (default 0)
          --deflate on|off                     offer permessage-deflate, as browsers do (default on)
          --server-pid PID                     a local server process whose CPU time and memory to report
          --churn ROUNDS                       instead of moving: open and drop every client ROUNDS times, one
                                               room each with --rooms N = --clients N, then stand idle --duration S
                                               and report the server's RSS (needs --server-pid)
          --idle PER_SECOND                    instead of moving: connect every client at PER_SECOND, send nothing,
                                               hold --duration S, and report the server's RSS per connection
                                               (peak minus before) and idle CPU (needs --server-pid)
        """;

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);
        double Number(string name, string fallback) => double.Parse(Get(name, fallback), CultureInfo.InvariantCulture);

        return new LoadOptions(
            Get("url", "ws://127.0.0.1:5099/ws").Split(',', StringSplitOptions.RemoveEmptyEntries),
            (int)Number("clients", "50"),
            Number("rate", "12.5"),
            (int)Number("rooms", "1"),
            TimeSpan.FromSeconds(Number("duration", "30")),
            TimeSpan.FromSeconds(Number("warmup", "5")),
            Get("protocol", "v1") is var protocol && protocol is "v1" or "v2" or "signalr" ? protocol : throw new ArgumentException("--protocol is v1, v2 or signalr"),
            (int)Number("slow-clients", "0"),
            Get("deflate", "on") != "off",
            values.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            (int)Number("churn", "0"),
            (int)Number("idle", "0"));
    }
}
