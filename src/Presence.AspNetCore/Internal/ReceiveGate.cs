namespace Presence.AspNetCore.Internal;

/// <summary>
/// Where the reads of v2 connections wait for the engine's tick. A v2 client's messages reach others only in the next
/// tick's frame, so handling each the moment it lands buys nothing; handling them all on the tick, just before its
/// frames are built, spares a thread-pool wake-up per message.
/// </summary>
/// <remarks>
/// The bytes still arrive as they come: the server's transport reads the socket into the connection's buffer, and only
/// the WebSocket's read of that buffer waits. A connection that the server is closing reads at once again
/// (<see cref="ConnectionInput.StopWaitingForTicks"/>), so that its close handshake never waits for a tick.
/// </remarks>
internal sealed class ReceiveGate : IPresenceTickListener
{
    /// <summary>Up to this many reads are resumed on the tick's own thread; more are shared out among the cores.</summary>
    internal const int ReadsPerWorker = 256;

    private readonly Lock _lock = new();
    private List<ConnectionInput> _waiting = [];
    private List<ConnectionInput> _spare = [];

    /// <summary>Gets how many reads wait for the next tick.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_lock)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Makes <paramref name="input"/>'s read wait for the next tick.</summary>
    public void Wait(ConnectionInput input)
    {
        lock (_lock)
        {
            _waiting.Add(input);
        }
    }

    /// <summary>
    /// Resumes every waiting read whose connection has bytes: their messages are handled before this completes, unless
    /// handling one has to wait for something else. Called by the engine's tick, never concurrently with itself.
    /// </summary>
    public ValueTask OnTickStartingAsync()
    {
        List<ConnectionInput> released;
        lock (_lock)
        {
            if (_waiting.Count == 0)
            {
                return default;
            }

            released = _waiting;
            _waiting = _spare;
            _spare = [];
        }

        var workers = Math.Min(Environment.ProcessorCount, (released.Count + ReadsPerWorker - 1) / ReadsPerWorker);
        if (workers <= 1)
        {
            Resume(released, 0, released.Count);
            Recycle(released);
            return default;
        }

        return ReleaseInParallelAsync(released, workers);
    }

    private async ValueTask ReleaseInParallelAsync(List<ConnectionInput> released, int workers)
    {
        var share = (released.Count + workers - 1) / workers;
        var others = new Task[workers - 1];
        for (var worker = 1; worker < workers; worker++)
        {
            var start = worker * share;
            var count = Math.Min(share, released.Count - start);
            others[worker - 1] = Task.Run(() => Resume(released, start, count));
        }

        Resume(released, 0, share);
        await Task.WhenAll(others).ConfigureAwait(false);
        Recycle(released);
    }

    private void Resume(List<ConnectionInput> inputs, int start, int count)
    {
        for (var i = start; i < start + count; i++)
        {
            var input = inputs[i];
            try
            {
                if (input.TryResumeRead() == ReadResumption.StillWaiting)
                {
                    Wait(input);
                }
            }
            catch (Exception)
            {
                // Not expected (a broken connection ends its read with the error): should one throw all the same, its
                // read goes on waiting for the bytes, as outside the gate, and the other reads of this tick go on.
                input.StopWaitingForTicks();
            }
        }
    }

    // The released list becomes the spare for the next tick. Reads parked meanwhile went to the other list, which the
    // swap made the waiting one, so nothing is cleared that was not released.
    private void Recycle(List<ConnectionInput> released)
    {
        released.Clear();
        lock (_lock)
        {
            _spare = released;
        }
    }
}
