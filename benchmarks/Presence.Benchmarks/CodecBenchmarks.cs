using System.Buffers;
using BenchmarkDotNet.Attributes;
using Presence;

namespace Presence.Benchmarks;

/// <summary>Parsing and writing each message kind.</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private static readonly byte[] HelloBytes = """{"type":"hello","name":"Mira","color":"#1e9df5"}"""u8.ToArray();
    private static readonly byte[] CursorBytes = """{"type":"cursor","x":0.4821,"y":0.1934}"""u8.ToArray();
    private static readonly byte[] StateBytes = """{"type":"state","set":{"status":"busy","selection":["card-3","card-7"]}}"""u8.ToArray();

    // The worst a client may send of each: 16 KiB, the default message limit.
    private static readonly byte[] LongHelloBytes = System.Text.Encoding.UTF8.GetBytes("""{"type":"hello","name":"Padded""" + new string(' ', 16 * 1024 - 40) + "\"}");
    private static readonly byte[] WideStateBytes = System.Text.Encoding.UTF8.GetBytes(
        """{"type":"state","set":{""" + string.Join(",", Enumerable.Range(0, 2000).Select(k => $"\"{k:x}\":1")) + "}}");
    private static readonly PresenceUser User = new("6f1c2b0e-5d7a-4c4e-9f00-2d7c1c3e9a11", "Mira", "#1e9df5", 0.4821, 0.1934, 1795808508.478);
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private SnapshotMessage _snapshot = null!;
    private byte[] _serverCursorBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = new SnapshotMessage(User.Id, [.. Enumerable.Range(0, 10).Select(i => User with { Id = $"user-{i}" })], "memory");
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteServerMessage(new CursorMessage(User), buffer);
        _serverCursorBytes = buffer.WrittenSpan.ToArray();
    }

    [Benchmark]
    public bool ParseHello() => PresenceProtocol.TryParseClientMessage(HelloBytes, out _);

    [Benchmark]
    public bool ParseCursor() => PresenceProtocol.TryParseClientMessage(CursorBytes, out _);

    [Benchmark]
    public bool ParseState() => PresenceProtocol.TryParseClientMessage(StateBytes, out _);

    [Benchmark]
    public bool ParseLongHello() => PresenceProtocol.TryParseClientMessage(LongHelloBytes, out _);

    [Benchmark]
    public bool ParseWideState() => PresenceProtocol.TryParseClientMessage(WideStateBytes, out _);

    [Benchmark]
    public bool ParseServerCursor() => PresenceProtocol.TryParseServerMessage(_serverCursorBytes, out _);

    [Benchmark]
    public int WriteCursor() => Write(new CursorMessage(User));

    [Benchmark]
    public int WritePresence() => Write(new PresenceMessage(User));

    [Benchmark]
    public int WriteLeave() => Write(new LeaveMessage(User.Id));

    [Benchmark]
    public int WriteSnapshotOf10() => Write(_snapshot);

    private int Write(ServerMessage message)
    {
        _output.ResetWrittenCount();
        PresenceProtocol.WriteServerMessage(message, _output);
        return _output.WrittenCount;
    }
}
