using System.Net.WebSockets;

namespace Presence;

/// <summary>How <see cref="PresenceClient.ConnectAsync"/> joins a room: who, where, and over which protocol.</summary>
public sealed class PresenceClientOptions
{
    /// <summary>Gets or sets the room; <see langword="null"/> for the server's default room.</summary>
    public string? Room { get; set; }

    /// <summary>
    /// Gets or sets the participant id asked for; <see langword="null"/> for a fresh one. A signed-in connection's id
    /// is the server's to decide (see <see cref="ConfigureWebSocket"/> for credentials).
    /// </summary>
    public string? Id { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the colour, <c>#rrggbb</c>.</summary>
    public string? Color { get; set; }

    /// <summary>
    /// Gets or sets the resume token of an earlier connection with <see cref="Id"/> (<see cref="PresenceClient.ResumeToken"/>),
    /// which a reconnect needs to take back an id that is still live.
    /// </summary>
    public string? ResumeToken { get; set; }

    /// <summary>Gets or sets the protocol: v2 (a frame per tick, offered as the <c>presence.v2</c> subprotocol) or v1.</summary>
    /// <value><see cref="PresenceProtocolVersion.V2"/>.</value>
    public PresenceProtocolVersion Version { get; set; } = PresenceProtocolVersion.V2;

    /// <summary>Gets or sets the longest server message accepted, in bytes: a snapshot of a full room with state is the longest.</summary>
    /// <value>4 MiB.</value>
    public int MaximumMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets a callback that sets up the socket before it connects: headers, cookies, a certificate check, a proxy.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }
}
