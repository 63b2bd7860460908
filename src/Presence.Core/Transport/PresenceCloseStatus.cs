namespace Presence;

/// <summary>Why the server closes a connection. The values are WebSocket close codes (RFC 6455, section 7.4).</summary>
public enum PresenceCloseStatus
{
    /// <summary>1000: the connection is done, usually because the client closed it.</summary>
    NormalClosure = 1000,

    /// <summary>1001: the server is shutting down. Reconnect, to another instance if there is one.</summary>
    GoingAway = 1001,

    /// <summary>1008: the request broke a rule, such as an invalid room name.</summary>
    PolicyViolation = 1008,

    /// <summary>1009: a message was larger than the server accepts.</summary>
    MessageTooBig = 1009,

    /// <summary>1011: the server failed unexpectedly.</summary>
    InternalError = 1011,

    /// <summary>4000: a newer connection with the same participant id took this one's place. Do not reconnect blindly.</summary>
    Replaced = 4000,

    /// <summary>
    /// 4001: this server instance serves as many rooms as it may (<see cref="PresenceOptions.MaxRooms"/>). Retry later,
    /// or elsewhere.
    /// </summary>
    ServerFull = 4001,

    /// <summary>4003: the application refused the join (its join hook); the close reason says why. Do not retry as is.</summary>
    Forbidden = 4003,

    /// <summary>
    /// 4004: the application removed the participant from the room (<see cref="IPresenceRooms.KickAsync"/>). Do not
    /// reconnect on its own.
    /// </summary>
    Kicked = 4004,

    /// <summary>4005: the room has as many participants as it may (<see cref="PresenceOptions.MaxParticipantsPerRoom"/>).</summary>
    RoomFull = 4005,
}
