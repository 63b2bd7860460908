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
