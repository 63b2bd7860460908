using System.Buffers;
using System.IO.Pipelines;

namespace Presence;

/// <summary>
/// Protocol messages as newline-delimited JSON over any duplex stream or pipe: one message per line, each line
/// ended by <c>\n</c> (a <c>\r</c> before it is dropped). For .NET clients, in-process hosting and tests.
/// </summary>
/// <remarks>
/// The same class serves both ends. A line longer than the message limit is reported as
/// <see cref="TransportMessageType.TooLarge"/>; an empty line is an empty text message. There are no close
/// codes on a stream: <see cref="CloseAsync"/> ends the output, and the end of the input reads as
/// <see cref="TransportMessageType.Closed"/>.
/// </remarks>
public sealed class StreamPresenceTransport : IPresenceTransport, IAsyncDisposable
{
    /// <summary>The default limit of one received line, in bytes, newline excluded.</summary>
    public const int DefaultMaximumMessageSize = 16 * 1024;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly long _maximumMessageSize;
    private SequencePosition? _consumed;
    private ReadOnlySequence<byte> _buffer;
    private volatile bool _aborted;
    private int _outputCompleted;

    /// <summary>Creates a transport over a duplex pipe.</summary>
    /// <param name="pipe">The pipe; the transport completes both of its ends when it closes.</param>
    /// <param name="maximumMessageSize">The longest line accepted, in bytes.</param>
    public StreamPresenceTransport(IDuplexPipe pipe, int maximumMessageSize = DefaultMaximumMessageSize)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumMessageSize, 1);
        _input = pipe.Input;
        _output = pipe.Output;
        _maximumMessageSize = maximumMessageSize;
    }

    /// <summary>Creates a transport over a stream, such as a <see cref="System.Net.Sockets.NetworkStream"/>.</summary>
    /// <param name="stream">The stream, read and written by the transport and disposed when it closes.</param>
    /// <param name="maximumMessageSize">The longest line accepted, in bytes.</param>
    /// <returns>The transport.</returns>
    public static StreamPresenceTransport Create(Stream stream, int maximumMessageSize = DefaultMaximumMessageSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new StreamPresenceTransport(new StreamPipe(PipeReader.Create(stream), PipeWriter.Create(stream)), maximumMessageSize);
    }

    /// <summary>Creates two connected transports in memory: what one sends, the other receives.</summary>
    /// <param name="maximumMessageSize">The longest line either end accepts, in bytes.</param>
    /// <returns>The server's end and the client's end.</returns>
    public static (StreamPresenceTransport Server, StreamPresenceTransport Client) CreatePair(int maximumMessageSize = DefaultMaximumMessageSize)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = new StreamPresenceTransport(new StreamPipe(toServer.Reader, toClient.Writer), maximumMessageSize);
        var client = new StreamPresenceTransport(new StreamPipe(toClient.Reader, toServer.Writer), maximumMessageSize);
        return (server, client);
    }

    /// <inheritdoc />
    public async ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (_consumed is { } consumed)
        {
            _input.AdvanceTo(consumed);
            _consumed = null;
        }

        while (!_aborted)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.IsCanceled || _aborted)
            {
                break;
            }

            _buffer = result.Buffer;
            var reader = new SequenceReader<byte>(_buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                _consumed = reader.Position;
                if (line.Length > _maximumMessageSize)
                {
                    return new TransportMessage(TransportMessageType.TooLarge, default);
                }

                return new TransportMessage(TransportMessageType.Text, TrimCarriageReturn(line));
            }

            if (_buffer.Length > _maximumMessageSize)
            {
                _consumed = _buffer.End;
                return new TransportMessage(TransportMessageType.TooLarge, default);
            }

            if (result.IsCompleted)
            {
                // The last line may lack its newline.
                _consumed = _buffer.End;
                if (!_buffer.IsEmpty)
                {
                    return new TransportMessage(TransportMessageType.Text, TrimCarriageReturn(_buffer));
                }

                break;
            }

            _input.AdvanceTo(_buffer.Start, _buffer.End);
        }

        return TransportMessage.Closed;
    }

    /// <inheritdoc />
    public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_aborted || Volatile.Read(ref _outputCompleted) != 0)
        {
            return ValueTask.FromException(new IOException("The transport is closed."));
        }

        _output.Write(frame.Payload.Span);
        _output.Write(NewLine);
        var flush = _output.FlushAsync(cancellationToken);
        return flush.IsCompletedSuccessfully ? default : AwaitFlushAsync(flush);

        static async ValueTask AwaitFlushAsync(ValueTask<FlushResult> flush) => await flush.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _outputCompleted, 1) == 0)
        {
            return _output.CompleteAsync();
        }

        return default;
    }

    /// <inheritdoc />
    public void Abort()
    {
        _aborted = true;
        _input.CancelPendingRead();
        if (Interlocked.Exchange(ref _outputCompleted, 1) == 0)
        {
            _output.CancelPendingFlush();
            _output.Complete(new ConnectionAbortedException());
        }
    }

    /// <summary>Ends the output and releases the input.</summary>
    /// <returns>A task that completes when both ends are released.</returns>
    public async ValueTask DisposeAsync()
    {
        await CloseAsync(PresenceCloseStatus.NormalClosure).ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    private static ReadOnlySequence<byte> TrimCarriageReturn(ReadOnlySequence<byte> line)
    {
        if (!line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            return line.Slice(0, line.Length - 1);
        }

        return line;
    }

    private sealed class StreamPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class ConnectionAbortedException() : IOException("The connection was aborted.");
}
