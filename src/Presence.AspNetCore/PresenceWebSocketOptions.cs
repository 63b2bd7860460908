using System.ComponentModel.DataAnnotations;

namespace Presence.AspNetCore;

/// <summary>
/// Settings of the presence WebSocket endpoint: who may open a connection, how fast, and how a dead one is found.
/// Bound from the configuration section <c>Presence:WebSockets</c> by <c>AddPresence</c>; see <c>docs/security.md</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The Range attributes are read by the source-generated validator alone, which compiles them into a trim-safe copy: no TypeConverter is looked up at run time.")]
public sealed class PresenceWebSocketOptions
{
    /// <summary>The name of the configuration section the options are bound from.</summary>
    public const string SectionName = "Presence:WebSockets";

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>) whose pages may connect, besides the server's own. Empty: only
    /// pages of the same origin, whose <c>Origin</c> names the request's <c>Host</c>. <c>*</c>: any page. A request
    /// without an <c>Origin</c> header comes from no page (a native app, a server, a tool) and is always allowed:
    /// browsers always send one with a WebSocket. A refused upgrade gets 403.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Gets or sets how often the server pings an idle connection.</summary>
    /// <value>15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long the server waits for the answer to a ping before it aborts the connection: a half-open
    /// connection is gone within <see cref="KeepAliveInterval"/> plus this.
    /// </summary>
    /// <value>10 seconds: with the default interval, a dead peer is gone within 25 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long one message may take to arrive once its first fragment has: a message stalled past it
    /// aborts the connection. Protocol messages are a few hundred bytes, sent in one frame.
    /// </summary>
    /// <value>10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan IncompleteMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how many connections one client address may hold open at once; past it, upgrades get 429.
    /// 0 turns the cap off.
    /// </summary>
    /// <value>64: many tabs, or an office behind one address, but not thousands of sockets.</value>
    [Range(0, int.MaxValue)]
    public int MaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many connections one client address may open per second, on average; past it (and the burst
    /// of <see cref="ConnectionBurstPerAddress"/>), upgrades get 429 with <c>Retry-After</c>. 0 turns the limit off.
    /// </summary>
    /// <value>5 per second.</value>
    [Range(0, 100_000)]
    public int ConnectionsPerSecondPerAddress { get; set; } = 5;

    /// <summary>Gets or sets how many connections one client address may open at once before the rate applies.</summary>
    /// <value>30: a page reload of many tabs, or a reconnect storm of a small office.</value>
    [Range(1, 1_000_000)]
    public int ConnectionBurstPerAddress { get; set; } = 30;

    /// <summary>
    /// Gets or sets a value telling whether the per-address limits leave out loopback clients. A request from
    /// loopback comes from this machine itself, or from a reverse proxy on it: behind one, the address the limits see
    /// is the client's only with the forwarded-headers middleware (<c>UseForwardedHeaders</c>), and without it every
    /// visitor would share the proxy's one address and its caps.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool ExemptLoopback { get; set; } = true;
}
