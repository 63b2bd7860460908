using System.ComponentModel.DataAnnotations;

namespace Presence;

/// <summary>
/// Settings of the presence engine, bound from the configuration section <c>Presence</c> by
/// <c>AddPresence</c> and validated at start-up.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The Range attributes are read by the source-generated validator alone, which compiles them into a trim-safe copy: no TypeConverter is looked up at run time.")]
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
    /// Gets or sets how many connections one signed-in participant may have in a room on this instance: its tabs, which
    /// are one participant with its tabs on other instances. Past it, the participant's oldest further connection is
    /// closed with 4000 (replaced). At 1, a signed-in user's newer connection replaces the older one, here or on any
    /// instance, as an anonymous client's does.
    /// </summary>
    /// <value>8.</value>
    [Range(1, 256)]
    public int MaxConnectionsPerParticipant { get; set; } = 8;

    /// <summary>
    /// Gets or sets how long a signed-in participant (<see cref="PresenceJoinRequest.IsAuthenticated"/>) whose last
    /// connection ended stays in its room before everyone gets its <c>leave</c>. A reconnect within it, to this instance
    /// or another, joins the participant as it was, as a further tab does: the others see no <c>leave</c>, no new
    /// participant and no <c>presence</c>. A kick, a replacement and a shutdown end it at once; anonymous participants
    /// leave at once, as in the seed. Zero turns it off.
    /// </summary>
    /// <value>5 seconds, as Liveblocks' <c>lostConnectionTimeout</c>.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan DepartureGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how long, after the store returns from an outage, an instance waits for the others to announce
    /// their participants again before it sends its clients a fresh snapshot.
    /// </summary>
    /// <value>1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ResyncDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many participants one room may have on this instance. A connection past it is closed with
    /// <see cref="PresenceCloseStatus.RoomFull"/> (4005, <c>ROOM_FULL</c>) before it joins; a reconnect of a member
    /// takes the place it held.
    /// </summary>
    /// <value>256: far more cursors than anyone can follow on one board.</value>
    [Range(1, 1_000_000)]
    public int MaxParticipantsPerRoom { get; set; } = 256;

    /// <summary>
    /// Gets or sets how many rooms this instance serves at once. A connection to a further room is closed with
    /// <see cref="PresenceCloseStatus.ServerFull"/> (4001, <c>SERVER_FULL</c>) before it joins.
    /// </summary>
    /// <value>10,000.</value>
    [Range(1, 10_000_000)]
    public int MaxRooms { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets how many cursor moves per second one connection may have relayed, on average. Past it (and the
    /// burst of <see cref="CursorBurst"/>) its moves are coalesced: the latest position waits in the sender's own
    /// connection and goes out on a later tick; nothing is queued one by one, for anyone.
    /// </summary>
    /// <value>30: more than twice the board's 12.5 moves per second.</value>
    [Range(0.1, 100_000)]
    public double CursorsPerSecond { get; set; } = 30;

    /// <summary>Gets or sets how many cursor moves one connection may send at once before <see cref="CursorsPerSecond"/> applies.</summary>
    /// <value>30.</value>
    [Range(1, 100_000)]
    public int CursorBurst { get; set; } = 30;

    /// <summary>
    /// Gets or sets how many <c>hello</c> messages (renames, colour changes) per second one connection may have
    /// written to the store and relayed. Past it (and <see cref="HelloBurst"/>) the latest name and colour wait in the
    /// sender's connection and go out on a later tick, in protocol v1 and v2 alike.
    /// </summary>
    /// <value>2.</value>
    [Range(0.01, 10_000)]
    public double HellosPerSecond { get; set; } = 2;

    /// <summary>Gets or sets how many <c>hello</c> messages one connection may send at once before <see cref="HellosPerSecond"/> applies.</summary>
    /// <value>5: a board sends one on joining and one per rename.</value>
    [Range(1, 10_000)]
    public int HelloBurst { get; set; } = 5;

    /// <summary>
    /// Gets or sets how many state updates (<c>{"type":"state"}</c>) per second one connection may have written to the
    /// store and relayed. Updates are coalesced per tick in any case: the participant's latest state goes out once,
    /// with the next tick; past this rate (and <see cref="StateBurst"/>) it waits for a later one.
    /// </summary>
    /// <value>10.</value>
    [Range(0.01, 10_000)]
    public double StateUpdatesPerSecond { get; set; } = 10;

    /// <summary>Gets or sets how many state updates one connection may have relayed at once before <see cref="StateUpdatesPerSecond"/> applies.</summary>
    /// <value>10.</value>
    [Range(1, 10_000)]
    public int StateBurst { get; set; } = 10;

    /// <summary>
    /// Gets or sets the most bytes a participant's own state may have, as compact JSON. An update that would make it
    /// larger is ignored, and the state stays as it was.
    /// </summary>
    /// <value>1 KiB.</value>
    [Range(2, PresenceState.MaxBytes)]
    public int MaxStateBytes { get; set; } = 1024;

    /// <summary>Gets or sets how deep a participant's own state may nest (the object itself is level 1). A deeper update is ignored.</summary>
    /// <value>4: room for <c>{"selection":[{"id":…}]}</c>.</value>
    [Range(1, PresenceState.MaxDepth)]
    public int MaxStateDepth { get; set; } = 4;

    /// <summary>
    /// Gets or sets after how many departures (at least half of the connections there were) the engine asks the
    /// runtime for a full, background collection, once they have been gone for 15 seconds, at most every 30 s. An
    /// idle server allocates nothing, so without it the heap that thousands of closed connections and rooms filled
    /// is held until traffic returns. 0 leaves collections to the runtime alone.
    /// </summary>
    /// <value>1,000.</value>
    [Range(0, int.MaxValue)]
    public int TrimMemoryAfterDepartures { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets the secret resume tokens are signed with, base64, at least 32 bytes once decoded; the same on every
    /// instance. Unset, the instances share one through the roster (Redis keeps it), which a Redis restarted empty
    /// can split for a moment: tokens signed then prove a session on the instance that signed them only, until its
    /// next snapshot. Set it (from a secret store, like any key) where that matters.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public string? ResumeSecret { get; set; }
}
