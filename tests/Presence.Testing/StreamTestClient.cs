using System.Text;

namespace Presence.Testing;

/// <summary>A test client over the client's end of a <see cref="StreamPresenceTransport"/> pair.</summary>
public sealed class StreamTestClient(StreamPresenceTransport transport, Task serverRun) : PresenceTestClient
{
    /// <summary>Gets the engine's run of this connection, which completes when the server side is done.</summary>
    public Task ServerRun { get; } = serverRun;

    public override PresenceCloseStatus? CloseStatus => null;

    public override bool SupportsBinary => false;

    public override Task SendTextAsync(string text) => transport.SendAsync(new PresenceFrame(Encoding.UTF8.GetBytes(text))).AsTask();

    public override Task SendBinaryAsync(byte[] data) => throw new NotSupportedException("Lines carry text only.");

    public override async Task CloseAsync() => await transport.CloseAsync(PresenceCloseStatus.NormalClosure);

    public override async ValueTask DisposeAsync()
    {
        transport.Abort();
        await transport.DisposeAsync();
    }

    protected override async Task<string?> ReceiveTextAsync(CancellationToken cancellationToken)
    {
        var message = await transport.ReceiveAsync(cancellationToken);
        return message.Type == TransportMessageType.Closed ? null : Encoding.UTF8.GetString(message.Payload);
    }
}
