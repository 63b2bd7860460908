namespace Presence;

/// <summary>What <see cref="IPresenceTransport.ReceiveAsync"/> received.</summary>
public enum TransportMessageType
{
    /// <summary>The peer closed the connection, or it was aborted. Nothing more will arrive.</summary>
    Closed = 0,

    /// <summary>A whole text message, in UTF-8.</summary>
    Text = 1,

    /// <summary>A binary message, which the protocol does not use. Its payload is empty.</summary>
    Binary = 2,

    /// <summary>A message longer than the transport's limit. Its payload is empty; the engine closes the connection.</summary>
    TooLarge = 3,
}
