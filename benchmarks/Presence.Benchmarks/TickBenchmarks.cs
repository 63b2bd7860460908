using BenchmarkDotNet.Attributes;
using Presence;
using Presence.Internal;

namespace Presence.Benchmarks;

/// <summary>Protocol v2: gathering one tick's cursor updates and encoding the room's single frame.</summary>
[MemoryDiagnoser]
public class TickBenchmarks
{
    private byte[][] _cursors = null!;
    private string[] _ids = null!;
    private readonly RoomBatch _batch = new();

    [Params(10, 100, 1000)]
    public int ChangedCursors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ids = [.. Enumerable.Range(0, ChangedCursors).Select(i => $"user-{i}")];
        _cursors = [.. _ids.Select(id => FrameEncoder.Message(new CursorMessage(new PresenceUser(id, "Mira", "#1e9df5", 0.4821, 0.1934, 1795808508.478))))];
    }

    [Benchmark]
    public int EncodeTick()
    {
        for (var i = 0; i < _cursors.Length; i++)
        {
            _batch.Add(_cursors[i], _ids[i], isCursor: true, publish: true);
        }

        return RoomBatch.Frame(_batch.Drain()).Payload.Length;
    }
}
