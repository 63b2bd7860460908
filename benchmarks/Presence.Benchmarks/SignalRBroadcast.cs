using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Internal;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Presence.Benchmarks;

/// <summary>
/// SignalR's in-process broadcast, as its own broadcast benchmark sets it up: <c>DefaultHubLifetimeManager</c> and
/// N hub connections with the JSON hub protocol, over pipes whose reader discards what arrives.
/// </summary>
internal sealed class SignalRBroadcast
{
    private readonly DefaultHubLifetimeManager<Hub> _manager;
    private readonly string[] _exceptSender;

    private SignalRBroadcast(DefaultHubLifetimeManager<Hub> manager, string sender)
    {
        _manager = manager;
        _exceptSender = [sender];
    }

    public static async Task<SignalRBroadcast> CreateAsync(int connections)
    {
        var manager = new DefaultHubLifetimeManager<Hub>(NullLogger<DefaultHubLifetimeManager<Hub>>.Instance);
        var protocol = new JsonHubProtocol();
        string? sender = null;
        for (var i = 0; i < connections; i++)
        {
            var transport = new DiscardingDuplexPipe();
            var connection = new DefaultConnectionContext(Guid.NewGuid().ToString(), transport, transport);
            var hubConnection = new HubConnectionContext(connection, new HubConnectionContextOptions { KeepAliveInterval = Timeout.InfiniteTimeSpan }, NullLoggerFactory.Instance)
            {
                Protocol = protocol,
            };
            await manager.OnConnectedAsync(hubConnection);
            sender ??= hubConnection.ConnectionId;
        }

        return new SignalRBroadcast(manager, sender!);
    }

    // The hub relays the moved cursor to every other client, as a presence hub would.
    public Task BroadcastAsync(double x, double y) =>
        _manager.SendAllExceptAsync("cursor", [new { id = "user-0", name = "User 0", color = "#1e9df5", x, y, updatedAt = 1795808508.478 }], _exceptSender);

    private sealed class DiscardingDuplexPipe : IDuplexPipe
    {
        public PipeReader Input { get; } = PipeReader.Create(Stream.Null);

        public PipeWriter Output { get; } = new DiscardingPipeWriter();
    }

    private sealed class DiscardingPipeWriter : PipeWriter
    {
        private byte[] _buffer = new byte[4096];

        public override void Advance(int bytes)
        {
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => new(new FlushResult(false, false));

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }

            return _buffer;
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }
}
