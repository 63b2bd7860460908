using System.IO.Pipelines;
using Presence.AspNetCore.Internal;

namespace Presence.AspNetCore.Tests.Internal;

/// <summary>
/// Reads of an upgraded connection's buffer, over real pipes: they take what is there at once, and otherwise wait for
/// the gate's release (the engine's tick), or for the bytes when there is no gate or the reader cannot wait.
/// </summary>
public sealed class ConnectionInputTests
{
    private readonly Pipe _pipe = new();

    [Fact]
    public async Task ARead_TakesWhatIsBuffered_AtOnce_AndLeavesWhatDoesNotFit()
    {
        var input = new ConnectionInput(_pipe.Reader, new ReceiveGate());
        await _pipe.Writer.WriteAsync("abcdef"u8.ToArray());

        var buffer = new byte[4];
        var first = input.ReadAsync(buffer, CancellationToken.None);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal("abcd", Text(buffer, await first));

        var second = input.ReadAsync(buffer, CancellationToken.None);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal("ef", Text(buffer, await second));
    }

    [Fact]
    public async Task AReadThatFindsNothing_WaitsForTheRelease_EvenAfterTheBytesArrive()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        var buffer = new byte[16];

        var read = input.ReadAsync(buffer, CancellationToken.None);
        await _pipe.Writer.WriteAsync("hello"u8.ToArray());
        await Task.Delay(50);
        Assert.False(read.IsCompleted);
        Assert.Equal(1, gate.WaitingCount);

        // The release runs the reader's continuation on its own thread: the read is done when it returns.
        var continuedOn = -1;
        var continuation = ContinueAsync(read, () => continuedOn = Environment.CurrentManagedThreadId);
        await gate.OnTickStartingAsync();
        Assert.Equal(Environment.CurrentManagedThreadId, continuedOn);
        Assert.Equal("hello", Text(buffer, await continuation));
        Assert.Equal(0, gate.WaitingCount);
    }

    [Fact]
    public async Task AReleaseWithNothingArrived_LeavesTheReadWaiting()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        var buffer = new byte[16];
        var read = input.ReadAsync(buffer, CancellationToken.None);

        await gate.OnTickStartingAsync();
        Assert.False(read.IsCompleted);
        Assert.Equal(1, gate.WaitingCount);

        await _pipe.Writer.WriteAsync("late"u8.ToArray());
        await gate.OnTickStartingAsync();
        Assert.Equal("late", Text(buffer, await read));
    }

    [Fact]
    public async Task TheEndOfTheConnection_ReachesAWaitingReadAtTheRelease_AsZeroBytes()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        var read = input.ReadAsync(new byte[16], CancellationToken.None);

        await _pipe.Writer.CompleteAsync();
        await gate.OnTickStartingAsync();
        Assert.Equal(0, await read);
    }

    [Fact]
    public async Task AConnectionReset_EndsItsWaitingReadWithTheError_AndTheOtherReadsOfTheTickGoOn()
    {
        var gate = new ReceiveGate();
        var broken = new ConnectionInput(_pipe.Reader, gate);
        var other = new Pipe();
        var healthy = new ConnectionInput(other.Reader, gate);
        var buffer = new byte[16];
        var failing = broken.ReadAsync(new byte[16], CancellationToken.None).AsTask();
        var reading = healthy.ReadAsync(buffer, CancellationToken.None).AsTask();

        // As the server's socket loop does when the client resets the connection.
        await _pipe.Writer.CompleteAsync(new IOException("Connection reset by peer"));
        await other.Writer.WriteAsync("fine"u8.ToArray());
        await gate.OnTickStartingAsync();

        await Assert.ThrowsAsync<IOException>(() => failing);
        Assert.Equal("fine", Text(buffer, await reading));

        // And the gate still works on the next ticks.
        var next = healthy.ReadAsync(buffer, CancellationToken.None).AsTask();
        await gate.OnTickStartingAsync();
        Assert.False(next.IsCompleted);
        await other.Writer.WriteAsync("again"u8.ToArray());
        await gate.OnTickStartingAsync();
        Assert.Equal("again", Text(buffer, await next));
    }

    [Fact]
    public async Task CancellingAWaitingRead_EndsIt_AndTheReleaseForgetsIt()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        using var cancel = new CancellationTokenSource();
        var read = input.ReadAsync(new byte[16], cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await read);

        await _pipe.Writer.WriteAsync("unread"u8.ToArray());
        await gate.OnTickStartingAsync();
        Assert.Equal(0, gate.WaitingCount);

        // The bytes are still there for the next read.
        var buffer = new byte[16];
        Assert.Equal("unread", Text(buffer, await input.ReadAsync(buffer, CancellationToken.None)));
    }

    [Fact]
    public async Task DisposingTheInput_EndsAWaitingRead()
    {
        var input = new ConnectionInput(_pipe.Reader, new ReceiveGate());
        var read = input.ReadAsync(new byte[16], CancellationToken.None);

        input.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await read);
    }

    [Fact]
    public async Task OnceTheConnectionCloses_AWaitingRead_GoesOnWhenTheBytesArrive_WithoutATick()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        var buffer = new byte[16];
        var read = input.ReadAsync(buffer, CancellationToken.None);

        input.StopWaitingForTicks();
        Assert.False(input.WaitsForTicks);
        await _pipe.Writer.WriteAsync("close"u8.ToArray());
        Assert.Equal("close", Text(buffer, await read.AsTask().WaitAsync(TimeSpan.FromSeconds(30))));

        // And later reads do not wait for ticks either.
        var next = input.ReadAsync(buffer, CancellationToken.None);
        await _pipe.Writer.WriteAsync("more"u8.ToArray());
        Assert.Equal("more", Text(buffer, await next.AsTask().WaitAsync(TimeSpan.FromSeconds(30))));

        // The gate lets go of it at its next release.
        await gate.OnTickStartingAsync();
        Assert.Equal(0, gate.WaitingCount);
    }

    [Fact]
    public async Task WithoutAGate_AReadWaitsForTheBytes()
    {
        var input = new ConnectionInput(_pipe.Reader, gate: null);
        var buffer = new byte[16];
        var read = input.ReadAsync(buffer, CancellationToken.None);

        await _pipe.Writer.WriteAsync("direct"u8.ToArray());
        Assert.Equal("direct", Text(buffer, await read.AsTask().WaitAsync(TimeSpan.FromSeconds(30))));
    }

    [Fact]
    public async Task TheServerCancellingPendingReads_AsItDoesWhenItStops_EndsNoRead()
    {
        // Without a gate: the read waits on the pipe, the server cancels it, and it goes on waiting for the bytes.
        var direct = new ConnectionInput(_pipe.Reader, gate: null);
        var buffer = new byte[16];
        var read = direct.ReadAsync(buffer, CancellationToken.None);
        _pipe.Reader.CancelPendingRead();
        await Task.Delay(50);
        Assert.False(read.IsCompleted);
        await _pipe.Writer.WriteAsync("after"u8.ToArray());
        Assert.Equal("after", Text(buffer, await read.AsTask().WaitAsync(TimeSpan.FromSeconds(30))));

        // With a gate: the cancellation is what the release finds, and the read still waits.
        var gate = new ReceiveGate();
        var gated = new ConnectionInput(_pipe.Reader, gate);
        var waiting = gated.ReadAsync(buffer, CancellationToken.None);
        _pipe.Reader.CancelPendingRead();
        await gate.OnTickStartingAsync();
        Assert.False(waiting.IsCompleted);
        await _pipe.Writer.WriteAsync("later"u8.ToArray());
        await gate.OnTickStartingAsync();
        Assert.Equal("later", Text(buffer, await waiting));
    }

    [Fact]
    public async Task AClientThatSendsFasterThanTheTick_GetsABudgetPerTick_AndWaitsForTheNextTickForTheRest()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        await _pipe.Writer.WriteAsync(new byte[ConnectionInput.ReadBudgetPerTick * 3]);
        var buffer = new byte[ConnectionInput.ReadBudgetPerTick * 4];

        // The first tick's worth is read at once; then the read waits, though more is there.
        Assert.Equal(ConnectionInput.ReadBudgetPerTick, await input.ReadAsync(buffer, CancellationToken.None));
        var next = input.ReadAsync(buffer, CancellationToken.None);
        Assert.False(next.IsCompleted);

        await gate.OnTickStartingAsync();
        Assert.Equal(ConnectionInput.ReadBudgetPerTick, await next);
        Assert.False(input.ReadAsync(buffer, CancellationToken.None).AsTask().IsCompleted);
    }

    [Fact]
    public async Task AReaderOverAStream_NeverWaitsForTicks_ForItIsOnlyFilledWhenRead()
    {
        // As under TLS: nothing reaches this reader's buffer unless someone reads it.
        var streamed = PipeReader.Create(new MemoryStream("tls"u8.ToArray()));
        Assert.False(ConnectionInput.CanWaitForTicks(streamed));
        Assert.True(ConnectionInput.CanWaitForTicks(_pipe.Reader));

        var gate = new ReceiveGate();
        var input = new ConnectionInput(streamed, gate);
        Assert.False(input.WaitsForTicks);
        var buffer = new byte[16];
        Assert.Equal("tls", Text(buffer, await input.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30))));
        Assert.Equal(0, gate.WaitingCount);
    }

    [Fact]
    public async Task AReadOfNoBytes_WaitsLikeAnother_AndTakesNothing()
    {
        var gate = new ReceiveGate();
        var input = new ConnectionInput(_pipe.Reader, gate);
        var probe = input.ReadAsync(Memory<byte>.Empty, CancellationToken.None);
        Assert.False(probe.IsCompleted);

        await _pipe.Writer.WriteAsync("kept"u8.ToArray());
        await gate.OnTickStartingAsync();
        Assert.Equal(0, await probe);

        var buffer = new byte[16];
        Assert.Equal("kept", Text(buffer, await input.ReadAsync(buffer, CancellationToken.None)));
    }

    [Fact]
    public async Task ManyWaitingReads_AreAllResumed_InOneRelease()
    {
        var gate = new ReceiveGate();
        var count = (ReceiveGate.ReadsPerWorker * 3) + 7;
        var pipes = Enumerable.Range(0, count).Select(_ => new Pipe()).ToArray();
        var buffers = pipes.Select(_ => new byte[8]).ToArray();
        var reads = pipes.Select((pipe, i) => new ConnectionInput(pipe.Reader, gate).ReadAsync(buffers[i], CancellationToken.None).AsTask()).ToArray();
        foreach (var pipe in pipes)
        {
            await pipe.Writer.WriteAsync("x"u8.ToArray());
        }

        Assert.Equal(count, gate.WaitingCount);
        await gate.OnTickStartingAsync();
        Assert.All(reads, read => Assert.True(read.IsCompletedSuccessfully));
        Assert.All(await Task.WhenAll(reads), read => Assert.Equal(1, read));
    }

    private static async Task<int> ContinueAsync(ValueTask<int> read, Action onContinued)
    {
        var count = await read;
        onContinued();
        return count;
    }

    private static string Text(byte[] buffer, int count) => System.Text.Encoding.UTF8.GetString(buffer, 0, count);
}
