using System.Threading.Channels;
using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>A failure in one connection or one room never stops the engine's shared loops.</summary>
public sealed class LoopContainmentTests
{
    [Fact]
    public async Task AConnectionWhoseSendAndAbortThrow_StopsNeitherItsRoomsTicksNorAnyOtherRooms()
    {
        await using var host = new EngineHost(options: new PresenceOptions { TickInterval = TimeSpan.FromMilliseconds(10) });
        await using var mover = host.Connect("mover", room: "broken", version: PresenceProtocolVersion.V2);
        await using var neighbour = host.Connect("neighbour", room: "broken", version: PresenceProtocolVersion.V2);
        await using var elsewhereMover = host.Connect("elsewhere-mover", room: "fine", version: PresenceProtocolVersion.V2);
        await using var elsewhere = host.Connect("elsewhere", room: "fine", version: PresenceProtocolVersion.V2);
        foreach (var client in new[] { mover, neighbour, elsewhereMover, elsewhere })
        {
            await client.WaitForAsync<SnapshotMessage>();
        }

        // A member of the first room whose transport fails every send, and then throws again when it is aborted.
        var broken = new ThrowingTransport();
        var brokenRun = Task.Run(() => host.Engine.RunAsync(broken, new PresenceJoinRequest("broken", null, null, "broken") { Version = PresenceProtocolVersion.V2 }));
        await neighbour.WaitForAsync<PresenceMessage>(p => p.User.Id == "broken");

        await mover.SendCursorAsync(0.25, 0.25);
        await neighbour.WaitForAsync<CursorMessage>(c => c.User.Id == "mover" && c.User.X == 0.25);
        await broken.Aborted.Task.WaitAsync(PresenceTestClient.DefaultTimeout);

        // Ticks go on, in this room and in the other one.
        await mover.SendCursorAsync(0.5, 0.5);
        await neighbour.WaitForAsync<CursorMessage>(c => c.User.Id == "mover" && c.User.X == 0.5);
        await elsewhereMover.SendCursorAsync(0.75, 0.75);
        await elsewhere.WaitForAsync<CursorMessage>(c => c.User.Id == "elsewhere-mover" && c.User.X == 0.75);

        broken.End();
        await brokenRun.WaitAsync(PresenceTestClient.DefaultTimeout);
        await neighbour.WaitForRosterAsync(r => !r.ContainsKey("broken"));
    }

    /// <summary>A transport whose every send throws, as a socket whose connection is already gone, and whose abort throws too.</summary>
    private sealed class ThrowingTransport : IPresenceTransport
    {
        private readonly Channel<TransportMessage> _received = Channel.CreateUnbounded<TransportMessage>();
        private int _sends;

        public TaskCompletionSource Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void End() => _received.Writer.TryComplete();

        public async ValueTask<TransportMessage> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                return await _received.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                return TransportMessage.Closed;
            }
        }

        public ValueTask SendAsync(PresenceFrame frame, CancellationToken cancellationToken = default)
        {
            // The snapshot goes through; everything after it fails.
            if (Interlocked.Increment(ref _sends) == 1)
            {
                return default;
            }

            throw new ObjectDisposedException("connection", "The connection's features are gone.");
        }

        public ValueTask CloseAsync(PresenceCloseStatus status, CancellationToken cancellationToken = default) => default;

        public void Abort()
        {
            Aborted.TrySetResult();
            End();
            throw new ObjectDisposedException("connection", "The connection's features are gone.");
        }
    }
}
