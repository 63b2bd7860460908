using System.Text;

namespace Presence.Tests.Internal;

/// <summary>A transport whose sends complete only while its gate is open: a client that stops reading, on demand.</summary>
internal sealed class GatedTransport : IPresenceTransport
{
    private readonly object _gate = new();
    private readonly List<string> _sent = [];
    private TaskCompletionSource? _blocked;
    private bool _open = true;

    public List<string> Sent
    {
        get
        {
            lock (_gate)
            {
                return [.. _sent];
            }
        }
    }

    public bool Aborted { get; private set; }

    public void Close()
    {
        lock (_gate)
        {
            _open = false;
        }
    }

    public void Open()
    {
        TaskCompletionSource? blocked;
        lock (_gate)
        {
            _open = true;
            blocked = _blocked;
            _blocked = null;
        }

        blocked?.TrySetResult();
    }

    public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _sent.Add(Encoding.UTF8.GetString(frame.Payload.Span));
            if (_open)
            {
                return default;
            }

            _blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return new ValueTask(_blocked.Task);
        }
    }

    public ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default) => new(TransportMessage.Closed);

    public ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default) => default;

    public void Abort()
    {
        Aborted = true;
        TaskCompletionSource? blocked;
        lock (_gate)
        {
            blocked = _blocked;
        }

        blocked?.TrySetException(new IOException("aborted"));
    }
}
