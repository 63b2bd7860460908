using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;

namespace Presence.AspNetCore.Internal;

/// <summary>
/// The upgraded connection under a presence WebSocket. The socket reads from it and writes its control frames to it;
/// the presence transport writes its data frames to it directly, already framed (and compressed) once for every
/// recipient. Writes are serialised, one whole frame per call, so the two writers never interleave. Over HTTP/1.1 it
/// reads through a <see cref="ConnectionInput"/>, which lets a v2 client's reads wait for the engine's tick.
/// </summary>
/// <remarks>
/// As ASP.NET Core's own WebSocket middleware does, disposing the stream after the socket was aborted aborts the HTTP
/// connection: the server's stream alone cannot tell an abort from a graceful end. A socket that failed on a
/// client's protocol error has sent its close frame (1002, 1007) before it counts as aborted, though: aborting the
/// connection then would throw that frame away unsent, so the connection ends gracefully instead.
/// </remarks>
internal sealed class WebSocketConnectionStream(HttpContext context, Stream inner) : Stream
{
    private const byte CloseFrameStart = 0x88;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private ConnectionInput? _input;
    private volatile bool _closeSent;

    /// <summary>Gets or sets the socket over this stream, once it is created.</summary>
    public WebSocket? WebSocket { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads through <paramref name="input"/> from now on, instead of through the upgraded stream.</summary>
    public void ReadThrough(ConnectionInput input) => _input = input;

    /// <summary>Lets no read wait for a tick any more: the connection is closing, and its close handshake must not wait.</summary>
    public void StopWaitingForTicks() => _input?.StopWaitingForTicks();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _input is { } input ? input.ReadAsync(buffer, cancellationToken) : inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Writes one or more whole frames, after any write in progress.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);

            // The socket writes each control frame whole, in one call: a final close frame starts 0x88.
            if (!buffer.IsEmpty && buffer.Span[0] == CloseFrameStart)
            {
                _closeSent = true;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input?.Dispose();
            if (WebSocket?.State == WebSocketState.Aborted && !_closeSent)
            {
                context.Abort();
            }

            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
