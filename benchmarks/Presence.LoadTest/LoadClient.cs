using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Presence.LoadTest;

/// <summary>
/// One simulated visitor: a send loop that moves its cursor at a fixed rate, and one receive loop that scans frames
/// for cursor updates of others without allocating. A cursor's x carries the sender's sequence number, so the
/// receiving client finds the send time in the sender's ring and measures end-to-end latency in one process.
/// With <c>--protocol signalr</c> the same client speaks SignalR's JSON hub protocol: a handshake, then records
/// ended by 0x1E, the cursor going out as an invocation of <c>Cursor(x, y)</c> and coming back as one of
/// <c>cursor(user)</c>.
/// </summary>
internal sealed class LoadClient(int index, LoadRun run)
{
    private const int RingSize = 4096;
    private const double SequenceScale = 1_000_000;
    private static readonly byte[] TypeProperty = "type"u8.ToArray();
    private static readonly byte[] UserProperty = "user"u8.ToArray();
    private static readonly byte[] IdProperty = "id"u8.ToArray();
    private static readonly byte[] XProperty = "x"u8.ToArray();
    private static readonly byte[] CursorType = "cursor"u8.ToArray();
    private static readonly byte[] TargetProperty = "target"u8.ToArray();
    private static readonly byte[] ArgumentsProperty = "arguments"u8.ToArray();
    private const byte RecordSeparator = 0x1E;

    private readonly long[] _sentAt = new long[RingSize];
    private readonly ClientWebSocket _socket = new();
    private int _sequence;

    public int Index { get; } = index;

    public string Room => $"load{Index % run.Options.Rooms}";

    public async Task ConnectAsync(bool reads)
    {
        if (run.Options.V2)
        {
            _socket.Options.AddSubProtocol("presence.v2");
        }

        if (run.Options.Deflate)
        {
            // Browsers offer permessage-deflate on every WebSocket; the server decides.
            _socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        }

        var url = run.Options.Urls[Index % run.Options.Urls.Length];
        // SignalR reads "id" as its connection token, so its hub takes the participant's id as "uid".
        var uri = new Uri($"{url}?{(run.Options.SignalR ? "uid" : "id")}=c{Index}&name=Load{Index}&color=%23336699&room={Room}");
        await _socket.ConnectAsync(uri, CancellationToken.None);
        if (run.Options.SignalR)
        {
            await _socket.SendAsync("{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        }

        if (reads)
        {
            _ = Task.Run(ReceiveLoopAsync);
        }
    }

    /// <summary>Connects clients that read, <paramref name="batchSize"/> at a time; returns how many failed to connect.</summary>
    public static async Task<int> ConnectAllAsync(IReadOnlyList<LoadClient> clients, int batchSize)
    {
        var errors = 0;
        foreach (var batch in clients.Chunk(batchSize))
        {
            await Task.WhenAll(batch.Select(async c =>
            {
                try
                {
                    await c.ConnectAsync(reads: true);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }

        return errors;
    }

    public long SentAt(int sequence) => Volatile.Read(ref _sentAt[sequence % RingSize]);

    public async Task SendLoopAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / run.Options.Rate);
        var buffer = new byte[64];
        try
        {
            // Clients start evenly spread over one interval; at a low rate the run may end before some start.
            await Task.Delay(TimeSpan.FromTicks(interval.Ticks * Index / Math.Max(1, run.Options.Clients)), stop).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                _sequence = (_sequence % 999_998) + 1;
                var length = Format(buffer, _sequence);
                var now = Stopwatch.GetTimestamp();
                Volatile.Write(ref _sentAt[_sequence % RingSize], now);
                await _socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, stop).ConfigureAwait(false);
                run.OnSent(this, now);
            }
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception)
        {
            run.OnError();
        }
    }

    public void Abort() => _socket.Abort();

    private int Format(byte[] buffer, int sequence)
    {
        var prefix = run.Options.SignalR ? """{"type":1,"target":"Cursor","arguments":["""u8 : """{"type":"cursor","x":"""u8;
        prefix.CopyTo(buffer);
        var offset = prefix.Length;
        Utf8Formatter.TryFormat(sequence / SequenceScale, buffer.AsSpan(offset), out var written);
        offset += written;
        var suffix = run.Options.SignalR ? ",0.5]}\u001e"u8 : ""","y":0.5}"""u8;
        suffix.CopyTo(buffer.AsSpan(offset));
        return offset + suffix.Length;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    run.OnClosed();
                    return;
                }

                length += result.Count;
                if (result.EndOfMessage)
                {
                    if (run.Options.SignalR)
                    {
                        ScanRecords(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
                    }
                    else
                    {
                        Scan(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
                    }

                    length = 0;
                }
            }
        }
        catch (Exception) when (run.Stopping)
        {
        }
        catch (Exception)
        {
            run.OnError();
        }
    }

    // Finds every {"type":"cursor","user":{"id":"c<n>","x":<seq>,…}} in a v1 message or a v2 frame, or, with
    // SignalR's names, {"target":"cursor","arguments":[{"id":…}]} in one hub record.
    private void Scan(ReadOnlySpan<byte> json, long receivedAt)
    {
        var (kindProperty, userProperty) = run.Options.SignalR ? (TargetProperty, ArgumentsProperty) : (TypeProperty, UserProperty);
        var reader = new Utf8JsonReader(json);
        var isCursor = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals(kindProperty))
            {
                reader.Read();
                isCursor = reader.ValueTextEquals(CursorType);
            }
            else if (reader.ValueTextEquals(userProperty) && reader.Read() && (reader.TokenType != JsonTokenType.StartArray || reader.Read())
                && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadUser(ref reader, isCursor, receivedAt);
            }
        }
    }

    // A SignalR message holds one or more records, each ended by 0x1E.
    private void ScanRecords(ReadOnlySpan<byte> message, long receivedAt)
    {
        while (message.IndexOf(RecordSeparator) is var end and >= 0)
        {
            Scan(message[..end], receivedAt);
            message = message[(end + 1)..];
        }
    }

    // Reads one user object, the reader on its StartObject, and counts it when it is another client's cursor.
    private void ReadUser(ref Utf8JsonReader reader, bool isCursor, long receivedAt)
    {
        var sender = -1;
        var x = -1.0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(IdProperty))
            {
                reader.Read();
                var id = reader.ValueSpan;
                if (id.Length > 1 && id[0] == (byte)'c' && Utf8Parser.TryParse(id[1..], out int parsed, out _))
                {
                    sender = parsed;
                }
            }
            else if (reader.ValueTextEquals(XProperty))
            {
                reader.Read();
                x = reader.GetDouble();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (isCursor && sender >= 0 && sender != Index && x > 0)
        {
            run.OnDelivered(sender, (int)Math.Round(x * SequenceScale), receivedAt);
        }
    }
}
