using System.Diagnostics;

namespace Presence.Internal;

/// <summary>
/// The bounded queue between a connection and its transport: the only path by which bytes reach a client.
/// </summary>
/// <remarks>
/// <para>
/// When nothing is queued or in flight, a frame is sent inline on the broadcasting thread; if that send completes
/// synchronously, as a WebSocket send into Kestrel's buffer usually does, a broadcast costs no queueing and no
/// allocation. Otherwise frames queue and one drain loop sends them in order.
/// </para>
/// <para>
/// The queue holds at most <see cref="PresenceOptions.OutboxCapacity"/> bytes. A frame that does not fit:
/// a cursor update replaces the newest queued update of the same participant (the newer position is all that
/// matters) or, if there is none, is dropped; any other message fails the outbox, and the connection is aborted
/// as a slow consumer, since skipping a presence, leave or snapshot would leave the client wrong until it
/// reconnects. A send blocked for longer than <see cref="PresenceOptions.SendTimeout"/> fails it as well.
/// </para>
/// </remarks>
internal sealed class Outbox : IThreadPoolWorkItem, IDisposable
{
    private readonly object _gate = new();
    private readonly IPresenceTransport _transport;
    private readonly int _capacity;
    private readonly TimeSpan _sendTimeout;
    private readonly ITimer _sendTimer;
    private readonly Action<OutboxFailure, Exception?> _onFailure;
    private readonly PresenceMetrics? _metrics;

    private OutboundFrame[] _items = new OutboundFrame[8];
    private int _head;
    private int _count;
    private long _queuedBytes;
    private bool _started;
    private bool _sending;
    private bool _completed;
    private TaskCompletionSource? _idle;
    private long _droppedFrames;

    public Outbox(
        IPresenceTransport transport,
        int capacity,
        TimeSpan sendTimeout,
        TimeProvider timeProvider,
        Action<OutboxFailure, Exception?> onFailure,
        PresenceMetrics? metrics = null)
    {
        _transport = transport;
        _capacity = capacity;
        _sendTimeout = sendTimeout;
        _onFailure = onFailure;
        _metrics = metrics;
        _sendTimer = timeProvider.CreateTimer(
            static state => ((Outbox)state!).Fail(OutboxFailure.SendTimedOut, null),
            this,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many cursor updates were dropped because the outbox was full.</summary>
    public long DroppedFrames => Interlocked.Read(ref _droppedFrames);

    /// <summary>Gets the bytes waiting in the queue, not counting a send in flight.</summary>
    public long QueuedBytes
    {
        get
        {
            lock (_gate)
            {
                return _queuedBytes;
            }
        }
    }

    /// <summary>Queues or sends a frame. Frames queued before <see cref="Start"/> wait for it.</summary>
    public void Enqueue(in OutboundFrame frame)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            if (!_started || _sending || _count > 0)
            {
                if (TryAddLocked(frame))
                {
                    return;
                }

                CompleteLocked();
                goto Overflowed;
            }

            _sending = true;
        }

        SendInline(frame);
        return;

    Overflowed:
        _onFailure(OutboxFailure.Overflow, null);
    }

    /// <summary>Puts <paramref name="first"/> ahead of everything queued so far and starts sending.</summary>
    public void Start(in OutboundFrame first)
    {
        lock (_gate)
        {
            if (_completed || _started)
            {
                return;
            }

            InsertFirstLocked(first);
            _started = true;
            _sending = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    /// <summary>Stops the outbox: queued frames are discarded and nothing more is accepted.</summary>
    /// <returns>A task that completes when no send is in flight any more.</returns>
    public Task CompleteAsync()
    {
        lock (_gate)
        {
            CompleteLocked();
            if (!_sending)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    public void Dispose() => _sendTimer.Dispose();

    void IThreadPoolWorkItem.Execute() => _ = DrainAsync(default);

    private void SendInline(in OutboundFrame frame)
    {
        ValueTask send;
        try
        {
            send = _transport.SendAsync(frame.Payload);
        }
        catch (Exception ex)
        {
            StopSending();
            Fail(OutboxFailure.SendFailed, ex);
            return;
        }

        if (!send.IsCompletedSuccessfully)
        {
            _ = DrainAsync(send);
            return;
        }

        send.GetAwaiter().GetResult();
        lock (_gate)
        {
            if (_count == 0 || _completed)
            {
                StopSendingLocked();
                return;
            }
        }

        // Others queued frames while this one was sent; drain them off the broadcasting thread.
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    private async Task DrainAsync(ValueTask pending)
    {
        try
        {
            await AwaitSendAsync(pending).ConfigureAwait(false);
            while (true)
            {
                OutboundFrame next;
                lock (_gate)
                {
                    if (_completed || _count == 0)
                    {
                        StopSendingLocked();
                        return;
                    }

                    next = DequeueLocked();
                }

                await AwaitSendAsync(_transport.SendAsync(next.Payload)).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            StopSending();
            Fail(OutboxFailure.SendFailed, ex);
        }
    }

    private ValueTask AwaitSendAsync(ValueTask send)
    {
        if (send.IsCompleted)
        {
            return send;
        }

        return AwaitWithTimerAsync(send);
    }

    private async ValueTask AwaitWithTimerAsync(ValueTask send)
    {
        _sendTimer.Change(_sendTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            await send.ConfigureAwait(false);
        }
        finally
        {
            _sendTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Fail(OutboxFailure failure, Exception? exception)
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            CompleteLocked();
        }

        _onFailure(failure, exception);
    }

    private void StopSending()
    {
        lock (_gate)
        {
            StopSendingLocked();
        }
    }

    private void StopSendingLocked()
    {
        _sending = false;
        _idle?.TrySetResult();
    }

    private void CompleteLocked()
    {
        _completed = true;
        Array.Clear(_items);
        _head = 0;
        _count = 0;
        _queuedBytes = 0;
    }

    private bool TryAddLocked(in OutboundFrame frame)
    {
        if (_count > 0 && _queuedBytes + frame.Payload.Length > _capacity)
        {
            if (frame.CursorOwner is null)
            {
                return false;
            }

            var index = LastIndexOfCursorLocked(frame.CursorOwner);
            if (index < 0)
            {
                _droppedFrames++;
                _metrics?.FrameDropped();
                return true;
            }

            RemoveAtLocked(index);
        }

        EnsureCapacityLocked();
        _items[(_head + _count) % _items.Length] = frame;
        _count++;
        _queuedBytes += frame.Payload.Length;
        return true;
    }

    private void InsertFirstLocked(in OutboundFrame frame)
    {
        EnsureCapacityLocked();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = frame;
        _count++;
        _queuedBytes += frame.Payload.Length;
    }

    private OutboundFrame DequeueLocked()
    {
        Debug.Assert(_count > 0);
        var frame = _items[_head];
        _items[_head] = default;
        _head = (_head + 1) % _items.Length;
        _count--;
        _queuedBytes -= frame.Payload.Length;
        return frame;
    }

    // Offsets are relative to the head.
    private int LastIndexOfCursorLocked(string owner)
    {
        for (var offset = _count - 1; offset >= 0; offset--)
        {
            if (string.Equals(_items[(_head + offset) % _items.Length].CursorOwner, owner, StringComparison.Ordinal))
            {
                return offset;
            }
        }

        return -1;
    }

    private void RemoveAtLocked(int offset)
    {
        _queuedBytes -= _items[(_head + offset) % _items.Length].Payload.Length;
        for (var i = offset; i < _count - 1; i++)
        {
            _items[(_head + i) % _items.Length] = _items[(_head + i + 1) % _items.Length];
        }

        _count--;
        _items[(_head + _count) % _items.Length] = default;
    }

    private void EnsureCapacityLocked()
    {
        if (_count < _items.Length)
        {
            return;
        }

        var larger = new OutboundFrame[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
