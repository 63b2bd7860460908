using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;

namespace Presence.LoadTest;

/// <summary>
/// One simulated visitor: a send loop that moves its cursor at a fixed rate, and one receive loop that scans frames
/// for cursor updates of others without allocating. A cursor's x carries the sender's sequence number, so the
/// receiving client finds the send time in the sender's ring and measures end-to-end latency in one process.
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

        var url = run.Options.Urls[Index % run.Options.Urls.Length];
        var uri = new Uri($"{url}?id=c{Index}&name=Load{Index}&color=%23336699&room={Room}");
        await _socket.ConnectAsync(uri, CancellationToken.None);
        if (reads)
        {
            _ = Task.Run(ReceiveLoopAsync);
        }
    }

    public long SentAt(int sequence) => Volatile.Read(ref _sentAt[sequence % RingSize]);

    public async Task SendLoopAsync(CancellationToken stop)
    {
        var interval = TimeSpan.FromSeconds(1 / run.Options.Rate);
        await Task.Delay(TimeSpan.FromTicks(interval.Ticks * Index / Math.Max(1, run.Options.Clients)), stop).ConfigureAwait(false);
        using var timer = new PeriodicTimer(interval);
        var buffer = new byte[64];
        try
        {
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

    private static int Format(byte[] buffer, int sequence)
    {
        var prefix = """{"type":"cursor","x":"""u8;
        prefix.CopyTo(buffer);
        var offset = prefix.Length;
        Utf8Formatter.TryFormat(sequence / SequenceScale, buffer.AsSpan(offset), out var written);
        offset += written;
        var suffix = ""","y":0.5}"""u8;
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
                    Scan(buffer.AsSpan(0, length), Stopwatch.GetTimestamp());
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

    // Finds every {"type":"cursor","user":{"id":"c<n>","x":<seq>,…}} in a v1 message or a v2 frame.
    private void Scan(ReadOnlySpan<byte> frame, long receivedAt)
    {
        var reader = new Utf8JsonReader(frame);
        var isCursor = false;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals(TypeProperty))
            {
                reader.Read();
                isCursor = reader.ValueTextEquals(CursorType);
            }
            else if (reader.ValueTextEquals(UserProperty))
            {
                reader.Read();
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
    }
}
