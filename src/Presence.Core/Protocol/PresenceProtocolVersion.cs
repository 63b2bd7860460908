namespace Presence;

/// <summary>The wire protocol a connection speaks.</summary>
public enum PresenceProtocolVersion
{
    /// <summary>One JSON object per message, sent at once: the seed's protocol, byte for byte.</summary>
    V1 = 1,

    /// <summary>
    /// Room events in ticks: one frame per tick, a JSON array of v1 messages in order, cursor updates coalesced
    /// per participant. Asked for with the WebSocket subprotocol <c>presence.v2</c>.
    /// </summary>
    V2 = 2,
}
