using Presence;

namespace Presence.Benchmarks;

/// <summary>A client that takes every frame at once, as a fast reader does: the cost measured is the server's alone.</summary>
internal sealed class NullTransport : IPresenceTransport
{
    public long Bytes { get; private set; }

    public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
    {
        Bytes += frame.Payload.Length;
        return default;
    }

    public ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default) => new(TransportMessage.Closed);

    public ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default) => default;

    public void Abort()
    {
    }
}
