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
/// The queue holds at most <see cref="PresenceOptions.OutboxCapacity"/> bytes, plus at most one pending position per
/// participant. A frame that does not fit: when it is made only of cursor updates, every queued position of the same
/// participants is dropped (the newer one is all that matters) and it goes to the tail, merged into a v2 cursor frame
/// waiting there, so that the newest position of every participant survives; any other message fails the outbox,
/// and the connection is aborted as a slow consumer, since skipping a presence, leave or snapshot would leave the
/// client wrong until it reconnects. A send blocked for longer than <see cref="PresenceOptions.SendTimeout"/> fails
/// it as well.
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

    private PresenceFrame?[] _items = new PresenceFrame?[8];
    private int _head;
    private int _count;
    private long _queuedBytes;
    private bool _started;
    private bool _sending;
    private bool _completed;
    private TaskCompletionSource? _idle;
    private long _supersededPositions;

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

    /// <summary>Gets how many queued cursor positions were dropped because a newer one of the same participant followed.</summary>
    public long SupersededPositions => Interlocked.Read(ref _supersededPositions);

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
    public void Enqueue(PresenceFrame frame)
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
        ReportFailure(OutboxFailure.Overflow, null);
    }

    /// <summary>Puts <paramref name="first"/> ahead of everything queued so far and starts sending.</summary>
    public void Start(PresenceFrame first)
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

    private void SendInline(PresenceFrame frame)
    {
        ValueTask send;
        try
        {
            send = _transport.SendAsync(frame);
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
                PresenceFrame next;
                lock (_gate)
                {
                    if (_completed || _count == 0)
                    {
                        StopSendingLocked();
                        return;
                    }

                    next = DequeueLocked();
                }

                await AwaitSendAsync(_transport.SendAsync(next)).ConfigureAwait(false);
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

        ReportFailure(failure, exception);
    }

    // The failure handler aborts the connection, and an abort can throw (a transport torn down under it). Whatever it
    // does stays with this connection: it never reaches the broadcast or the tick that was sending.
    private void ReportFailure(OutboxFailure failure, Exception? exception)
    {
        try
        {
            _onFailure(failure, exception);
        }
        catch (Exception)
        {
            // The outbox is completed already; the connection ends by its own receive loop.
        }
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

    private bool TryAddLocked(PresenceFrame frame)
    {
        if (_count == 0 || _queuedBytes + frame.Payload.Length <= _capacity)
        {
            AppendLocked(frame);
            return true;
        }

        if (frame.Cursors is not { } positions)
        {
            return false;
        }

        CoalesceLocked(frame, positions);
        return true;
    }

    // Every queued position of the frame's participants is older than the frame's: they go, wherever they wait, and
    // the frame goes to the tail, after everything, so no participant's position moves before its own presence or
    // leave. A v2 frame merges into a v2 cursor frame already at the tail, which then holds each participant once.
    private void CoalesceLocked(PresenceFrame frame, CursorPositions positions)
    {
        var superseded = positions.IdSet;
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            var index = (_head + i) % _items.Length;
            var item = _items[index]!;
            var remaining = item.Cursors is null ? item : CursorPositions.Without(item, superseded);
            if (remaining != item)
            {
                _queuedBytes -= item.Payload.Length - (remaining?.Payload.Length ?? 0);
                var dropped = item.Cursors!.Count - (remaining?.Cursors!.Count ?? 0);
                Interlocked.Add(ref _supersededPositions, dropped);
                _metrics?.PositionsSuperseded(dropped);
            }

            if (remaining is not null)
            {
                _items[(_head + kept) % _items.Length] = remaining;
                kept++;
            }
        }

        for (var i = kept; i < _count; i++)
        {
            _items[(_head + i) % _items.Length] = null;
        }

        _count = kept;
        var tailIndex = (_head + _count - 1 + _items.Length) % _items.Length;
        if (positions.IsBatch && _count > 0 && _items[tailIndex]!.Cursors is { IsBatch: true })
        {
            var tail = _items[tailIndex]!;
            var merged = CursorPositions.Merge(tail, frame);
            _queuedBytes += merged.Payload.Length - tail.Payload.Length;
            _items[tailIndex] = merged;
            return;
        }

        AppendLocked(frame);
    }

    private void AppendLocked(PresenceFrame frame)
    {
        EnsureCapacityLocked();
        _items[(_head + _count) % _items.Length] = frame;
        _count++;
        _queuedBytes += frame.Payload.Length;
    }

    private void InsertFirstLocked(PresenceFrame frame)
    {
        EnsureCapacityLocked();
        _head = (_head - 1 + _items.Length) % _items.Length;
        _items[_head] = frame;
        _count++;
        _queuedBytes += frame.Payload.Length;
    }

    private PresenceFrame DequeueLocked()
    {
        Debug.Assert(_count > 0);
        var frame = _items[_head]!;
        _items[_head] = null;
        _head = (_head + 1) % _items.Length;
        _count--;
        _queuedBytes -= frame.Payload.Length;
        return frame;
    }

    private void EnsureCapacityLocked()
    {
        if (_count < _items.Length)
        {
            return;
        }

        var larger = new PresenceFrame?[_items.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _items[(_head + i) % _items.Length];
        }

        _items = larger;
        _head = 0;
    }
}
