using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Presence.AspNetCore.Tests;

/// <summary>
/// A WebSocket client on a bare TCP socket, for what ClientWebSocket hides: the exact handshake answer and the
/// frames as they are on the wire, compressed or not.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocketClient(TcpClient tcp, int status, Dictionary<string, string> headers)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        Status = status;
        Headers = headers;
    }

    public int Status { get; }

    public Dictionary<string, string> Headers { get; }

    public static async Task<RawWebSocketClient> ConnectAsync(Uri server, string pathAndQuery, params string[] extraHeaders)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = new StringBuilder()
            .Append("GET ").Append(pathAndQuery).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
            .Append("Sec-WebSocket-Key: ").Append(key).Append("\r\n");
        if (!extraHeaders.Any(h => h.StartsWith("Sec-WebSocket-Version", StringComparison.OrdinalIgnoreCase)))
        {
            request.Append("Sec-WebSocket-Version: 13\r\n");
        }

        foreach (var header in extraHeaders)
        {
            request.Append(header).Append("\r\n");
        }

        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));

        // Reads the answer's head byte by byte, so that no frame after it is consumed.
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (await stream.ReadAsync(one, timeout.Token) == 0)
            {
                break;
            }

            head.Append((char)one[0]);
        }

        var lines = head.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1)
            .Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        return new RawWebSocketClient(tcp, status, headers);
    }

    /// <summary>Reads the next frame as it is on the wire (server frames are never masked).</summary>
    public async Task<RawFrame> ReadFrameAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var head = new byte[2];
        await _stream.ReadExactlyAsync(head, cancel.Token);
        long length = head[1] & 0x7F;
        if (length == 126)
        {
            var extended = new byte[2];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = BinaryPrimitives.ReadUInt16BigEndian(extended);
        }
        else if (length == 127)
        {
            var extended = new byte[8];
            await _stream.ReadExactlyAsync(extended, cancel.Token);
            length = (long)BinaryPrimitives.ReadUInt64BigEndian(extended);
        }

        var payload = new byte[length];
        await _stream.ReadExactlyAsync(payload, cancel.Token);
        return new RawFrame((head[0] & 0x80) != 0, (head[0] & 0x40) != 0, head[0] & 0x0F, (head[1] & 0x80) != 0, payload);
    }

    /// <summary>Sends one final, masked text frame, as a client must.</summary>
    public Task SendTextAsync(string text) => SendFrameAsync(0x1, fin: true, Encoding.UTF8.GetBytes(text));

    /// <summary>Sends one masked frame, final or not, of any opcode.</summary>
    public async Task SendFrameAsync(int opcode, bool fin, byte[] payload)
    {
        var mask = RandomNumberGenerator.GetBytes(4);
        using var frame = new MemoryStream();
        frame.WriteByte((byte)((fin ? 0x80 : 0) | opcode));
        if (payload.Length < 126)
        {
            frame.WriteByte((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.WriteByte(0x80 | 126);
            frame.WriteByte((byte)(payload.Length >> 8));
            frame.WriteByte((byte)payload.Length);
        }

        frame.Write(mask);
        for (var i = 0; i < payload.Length; i++)
        {
            frame.WriteByte((byte)(payload[i] ^ mask[i % 4]));
        }

        await _stream.WriteAsync(frame.ToArray());
    }

    /// <summary>Sends bytes as they are: frames built by the test, well formed or not.</summary>
    public ValueTask SendRawAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes);

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return default;
    }
}

/// <summary>One frame as received.</summary>
internal sealed record RawFrame(bool Fin, bool Compressed, int Opcode, bool Masked, byte[] Payload)
{
    /// <summary>Gets a close frame's status code: 1005 (none given) when its payload has none.</summary>
    public int CloseCode => Payload.Length >= 2 ? (Payload[0] << 8) | Payload[1] : 1005;

    /// <summary>Gets the message text, inflated first when the frame is compressed (RFC 7692 section 7.2.2).</summary>
    public string Text
    {
        get
        {
            if (!Compressed)
            {
                return Encoding.UTF8.GetString(Payload);
            }

            using var input = new MemoryStream([.. Payload, 0x00, 0x00, 0xFF, 0xFF]);
            using var inflate = new DeflateStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[4096];
            int read;
            try
            {
                while ((read = inflate.Read(buffer)) > 0)
                {
                    output.Write(buffer, 0, read);
                }
            }
            catch (InvalidDataException) when (output.Length > 0)
            {
                // The stream has no final block, as the extension specifies: what came out is the whole message.
            }

            return Encoding.UTF8.GetString(output.ToArray());
        }
    }
}
