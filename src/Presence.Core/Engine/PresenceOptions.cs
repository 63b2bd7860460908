using System.ComponentModel.DataAnnotations;

namespace Presence;

/// <summary>
/// Settings of the presence engine, bound from the configuration section <c>Presence</c> by
/// <c>AddPresence</c> and validated at start-up.
/// </summary>
public sealed class PresenceOptions
{
    /// <summary>The name of the configuration section the options are bound from.</summary>
    public const string SectionName = "Presence";

    /// <summary>Gets or sets the largest client message accepted, in bytes. A larger one closes the connection with 1009.</summary>
    /// <value>16 KiB. Protocol messages are under 200 bytes; the slack leaves room for fields a newer client adds.</value>
    [Range(256, 16 * 1024 * 1024)]
    public int MaximumMessageSize { get; set; } = 16 * 1024;

    /// <summary>
    /// Gets or sets how many bytes may wait in one connection's outbox. When a frame does not fit, cursor positions
    /// are coalesced per participant (the newest of each survives, so the outbox may exceed this by one position per
    /// participant); any other message closes the connection as too slow.
    /// </summary>
    /// <value>256 KiB: over a thousand cursor updates.</value>
    [Range(4 * 1024, 64 * 1024 * 1024)]
    public int OutboxCapacity { get; set; } = 256 * 1024;

    /// <summary>Gets or sets how long one send may stay blocked before the connection is aborted as a slow consumer.</summary>
    /// <value>10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long the server waits for a client to answer a close before it aborts the connection.</summary>
    /// <value>5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the throttle of cursor persistence: a moving participant is written to the store at most once per
    /// interval. Live cursor events go out at once regardless.
    /// </summary>
    /// <value>250 milliseconds: a reconnecting client sees a position at most that old.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CursorPersistInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the tick of protocol v2: room events are gathered and sent to v2 clients once per tick, as one
    /// frame per room shared by every recipient, and instances publish one batch per room per tick.
    /// </summary>
    /// <value>
    /// 35 milliseconds: shorter than the board's 80 ms send interval, since cursors animate from arrival times, and
    /// short enough that an update waits at most 35 ms for its tick, which leaves room for the rest of the way under
    /// a p99 of 50 ms end to end. A longer tick costs a little less CPU per update and adds latency.
    /// </value>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(35);

    /// <summary>
    /// Gets or sets a value telling whether the WebSocket endpoint accepts a client's offer of permessage-deflate
    /// (RFC 7692). A frame shared by many connections, such as a v2 tick, is then deflated once for all of them
    /// (frames under 256 bytes are sent as they are), and the client may compress what it sends. Both directions
    /// compress each message on its own, without a context kept between messages.
    /// </summary>
    /// <value><see langword="true"/>. Frames carry only what every member of the room sees, so compression cannot
    /// leak a secret through message sizes.</value>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// Gets or sets how often every connected participant is written to the store again, so that one who stays
    /// still is never pruned as stale. Keep it well under the store's stale-after time.
    /// </summary>
    /// <value>30 seconds, a quarter of the stores' default 120 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long, after the store returns from an outage, an instance waits for the others to announce
    /// their participants again before it sends its clients a fresh snapshot.
    /// </summary>
    /// <value>1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ResyncDelay { get; set; } = TimeSpan.FromSeconds(1);
}
