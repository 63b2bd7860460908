using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Tasks.Sources;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The reading side of an upgraded HTTP/1.1 connection, read from the server's own buffer of the connection rather than
/// through the request stream. With a <see cref="ReceiveGate"/>, a read that finds nothing buffered waits for the
/// engine's next tick instead of for the bytes, and is resumed by the tick on its thread.
/// </summary>
/// <remarks>
/// Only one read is in progress at a time, as for any stream. A read waiting for a tick ends when its cancellation
/// token fires or the input is disposed.
/// </remarks>
internal sealed class ConnectionInput : IValueTaskSource<int>
{
    /// <summary>
    /// The bytes a connection whose reads wait for ticks may take in one tick. Its messages are handled on the tick's
    /// thread, so a client that sends faster than they are handled must not keep that thread to itself: past this,
    /// its reads wait for the next tick, its bytes stay in the server's buffer, and when that fills, TCP slows the
    /// client down. A cursor update is under 100 bytes; a message at the size limit takes a few ticks.
    /// </summary>
    internal const int ReadBudgetPerTick = 8 * 1024;

    // A Pipe's reader sees bytes as soon as its writer, the server's socket loop, pushes them, so TryRead finds whatever
    // has arrived. A reader over a stream (TLS puts one under the request) pulls only when it is read: it cannot wait.
    private static readonly Type PushedReaderType = new Pipe().Reader.GetType();

    private readonly PipeReader _input;
    private readonly Lock _lock = new();
    private ReceiveGate? _gate;
    private ManualResetValueTaskSourceCore<int> _waitingRead;
    private Memory<byte> _waitingBuffer;
    private CancellationToken _waitingToken;
    private CancellationTokenRegistration _waitingCancellation;
    private bool _isWaiting;
    private bool _disposed;
    private int _budget = ReadBudgetPerTick;

    /// <summary>Reads <paramref name="input"/>; a read waits for <paramref name="gate"/>'s release when there is one and the input can wait.</summary>
    public ConnectionInput(PipeReader input, ReceiveGate? gate)
    {
        _input = input;
        _gate = CanWaitForTicks(input) ? gate : null;
    }

    /// <summary>Gets a value telling whether reads that find nothing wait for a tick.</summary>
    public bool WaitsForTicks
    {
        get
        {
            lock (_lock)
            {
                return _gate is not null;
            }
        }
    }

    /// <summary>Tells whether a read of <paramref name="input"/> can wait for a tick: whether bytes reach it unread.</summary>
    public static bool CanWaitForTicks(PipeReader input) => input.GetType() == PushedReaderType;

    /// <summary>Reads what is buffered, up to the size of <paramref name="destination"/>; 0 at the end of the input.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            return ReadOrWait(destination, cancellationToken);
        }
        catch (Exception ex)
        {
            // A broken connection (a reset, for one) surfaces from the buffer's read: it ends this read.
            return ValueTask.FromException<int>(ex);
        }
    }

    private ValueTask<int> ReadOrWait(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _gate) is null)
        {
            if (TryReadBuffered(destination.Span, out var count))
            {
                return new ValueTask<int>(count);
            }
        }
        else if (_budget > 0 && TryReadBuffered(WithinBudget(destination.Span), out var count))
        {
            _budget -= count;
            return new ValueTask<int>(count);
        }

        lock (_lock)
        {
            if (_gate is { } gate && !_disposed && !cancellationToken.IsCancellationRequested)
            {
                _waitingRead.Reset();
                _waitingBuffer = destination;
                _waitingToken = cancellationToken;
                _isWaiting = true;
                _waitingCancellation = cancellationToken.UnsafeRegister(static state => ((ConnectionInput)state!).EndWaitingRead(new OperationCanceledException()), this);
                gate.Wait(this);
                return new ValueTask<int>(this, _waitingRead.Version);
            }
        }

        return ReadBufferedAsync(destination, cancellationToken);
    }

    /// <summary>Completes a waiting read if its connection has bytes or has ended. Called by the gate.</summary>
    public ReadResumption TryResumeRead()
    {
        int count = 0;
        Exception? failure = null;
        lock (_lock)
        {
            if (!_isWaiting)
            {
                return ReadResumption.NotWaiting;
            }

            try
            {
                // A new tick, a new budget.
                _budget = ReadBudgetPerTick;
                if (!TryReadBuffered(WithinBudget(_waitingBuffer.Span), out count))
                {
                    return ReadResumption.StillWaiting;
                }

                _budget -= count;
            }
            catch (InvalidOperationException)
            {
                // The server completed the input under the read: the connection is over.
                count = 0;
            }
            catch (Exception ex)
            {
                // The connection broke (a reset, for one): the read ends with the error, as an awaited read would.
                failure = ex;
            }

            _isWaiting = false;
        }

        // The caller's continuation runs here, on the tick's thread, and handles the message before the tick's frames.
        Finish(count, failure);
        return ReadResumption.Resumed;
    }

    /// <summary>From now on, a read that finds nothing waits for the bytes, not for a tick; a read already waiting goes on so.</summary>
    public void StopWaitingForTicks()
    {
        Memory<byte> destination;
        CancellationToken cancellationToken;
        lock (_lock)
        {
            _gate = null;
            if (!_isWaiting)
            {
                return;
            }

            _isWaiting = false;
            destination = _waitingBuffer;
            cancellationToken = _waitingToken;
        }

        // The token stays in force for the awaited read; its registration for the waiting one goes.
        _waitingCancellation.Dispose();
        _ = CompleteWaitingReadAsync(destination, cancellationToken);
    }

    /// <summary>Ends a waiting read; no read waits from now on.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        EndWaitingRead(new ObjectDisposedException(nameof(ConnectionInput)));
    }

    int IValueTaskSource<int>.GetResult(short token) => _waitingRead.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _waitingRead.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _waitingRead.OnCompleted(continuation, state, token, flags);

    private void EndWaitingRead(Exception exception)
    {
        lock (_lock)
        {
            if (!_isWaiting)
            {
                return;
            }

            _isWaiting = false;
        }

        Finish(0, exception);
    }

    private async Task CompleteWaitingReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            Finish(await ReadBufferedAsync(destination, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            Finish(0, ex);
        }
    }

    // Ends the read that waited, once whoever ended it has cleared _isWaiting: the one way out, whatever ended it.
    private void Finish(int count, Exception? failure)
    {
        _waitingCancellation.Dispose();
        _waitingCancellation = default;
        _waitingBuffer = default;
        _waitingToken = default;
        if (failure is null)
        {
            _waitingRead.SetResult(count);
        }
        else
        {
            _waitingRead.SetException(failure);
        }
    }

    private Span<byte> WithinBudget(Span<byte> destination) =>
        destination.Length > _budget ? destination[.._budget] : destination;

    private bool TryReadBuffered(Span<byte> destination, out int count)
    {
        if (!_input.TryRead(out var result))
        {
            count = 0;
            return false;
        }

        return Take(result, destination, out count);
    }

    private async ValueTask<int> ReadBufferedAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (Take(result, destination.Span, out var count))
            {
                return count;
            }
        }
    }

    // Copies what fits and consumes exactly that, so that what is left is still unread; false when the result held
    // nothing and the input goes on. A cancelled read is not the end: the server cancels the pending read of every
    // connection when it stops (to end HTTP/1.1 keep-alive waits), and an upgraded connection reads on, as Kestrel's
    // own upgraded request body does, until its close handshake is done.
    private bool Take(ReadResult result, Span<byte> destination, out int count)
    {
        var buffer = result.Buffer;
        if (destination.IsEmpty)
        {
            // A read of no bytes tells that some are there (or that the input ended), and takes none.
            _input.AdvanceTo(buffer.Start);
            count = 0;
            return !buffer.IsEmpty || result.IsCompleted;
        }

        if (buffer.IsEmpty)
        {
            _input.AdvanceTo(buffer.End);
            count = 0;
            return result.IsCompleted;
        }

        count = (int)Math.Min(buffer.Length, destination.Length);
        buffer.Slice(0, count).CopyTo(destination);
        _input.AdvanceTo(buffer.GetPosition(count));
        return true;
    }
}
