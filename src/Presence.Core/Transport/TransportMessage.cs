using System.Buffers;

namespace Presence;

/// <summary>One message received by a transport.</summary>
public readonly struct TransportMessage
{
    /// <summary>Creates a message.</summary>
    /// <param name="type">What was received.</param>
    /// <param name="payload">The bytes of a <see cref="TransportMessageType.Text"/> message; empty otherwise.</param>
    public TransportMessage(TransportMessageType type, ReadOnlySequence<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    /// <summary>Gets the message that tells the connection is over.</summary>
    public static TransportMessage Closed => default;

    /// <summary>Gets what was received.</summary>
    public TransportMessageType Type { get; }

    /// <summary>Gets the bytes of a text message. They stay valid until the next call to <see cref="IPresenceTransport.ReceiveAsync"/>.</summary>
    public ReadOnlySequence<byte> Payload { get; }
}
