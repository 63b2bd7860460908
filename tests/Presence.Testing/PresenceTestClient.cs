using System.Buffers;
using System.Collections.Immutable;

namespace Presence.Testing;

/// <summary>
/// A protocol client for tests, over any transport: it sends client messages, parses every server message,
/// folds them into a roster with <see cref="PresenceReducer"/>, and waits with generous timeouts.
/// </summary>
public abstract class PresenceTestClient : IAsyncDisposable
{
    /// <summary>How long a wait lasts before the test fails: long, so that a slow machine does not flake.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly List<ServerMessage> _received = [];
    private readonly Queue<ServerMessage> _frame = new();

    /// <summary>Gets how many frames arrived: with protocol v2, one frame carries several messages.</summary>
    public int FrameCount { get; private set; }

    /// <summary>Gets the frames that arrived, as their raw text.</summary>
    public List<string> RawFrames { get; } = [];

    public ImmutableDictionary<string, PresenceUser> Roster { get; private set; } = PresenceReducer.Empty;

    public string? SelfId { get; private set; }

    public IReadOnlyList<ServerMessage> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Gets a value telling whether the server closed the connection (or the client did).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Gets the close status the server sent, where the transport has one.</summary>
    public abstract PresenceCloseStatus? CloseStatus { get; }

    /// <summary>Gets a value telling whether the transport can carry binary messages.</summary>
    public abstract bool SupportsBinary { get; }

    public abstract Task SendTextAsync(string text);

    public abstract Task SendBinaryAsync(byte[] data);

    public abstract Task CloseAsync();

    /// <summary>Closes, unless the server has closed or the connection broke first: then there is nothing to say.</summary>
    public async Task CloseQuietlyAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or InvalidOperationException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    public abstract ValueTask DisposeAsync();

    public Task SendHelloAsync(string? name, string? color) => SendAsync(ClientMessage.Hello(name, color));

    public Task SendCursorAsync(double? x, double? y) => SendAsync(ClientMessage.Cursor(x, y));

    public Task SendAsync(ClientMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        PresenceProtocol.WriteClientMessage(message, buffer);
        return SendTextAsync(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    /// <summary>
    /// Receives the next server message; fails if none comes in time or the connection closes. A timeout is a
    /// failure: over a WebSocket it also aborts the connection.
    /// </summary>
    public async Task<ServerMessage> NextAsync(TimeSpan? timeout = null)
    {
        while (_frame.Count == 0)
        {
            await ReceiveFrameAsync(timeout);
        }

        var message = _frame.Dequeue();
        if (message is SnapshotMessage snapshot)
        {
            SelfId = snapshot.SelfId;
            ResumeTokenJar.Remember(snapshot.SelfId, snapshot.ResumeToken);
        }

        Roster = PresenceReducer.Reduce(Roster, message, SelfId ?? string.Empty);
        lock (_received)
        {
            _received.Add(message);
        }

        return message;
    }

    private async Task ReceiveFrameAsync(TimeSpan? timeout)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        string? text;
        try
        {
            text = await ReceiveTextAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"No message within {timeout ?? DefaultTimeout}.");
        }

        if (text is null)
        {
            IsClosed = true;
            throw new InvalidOperationException($"The connection closed ({CloseStatus}).");
        }

        FrameCount++;
        RawFrames.Add(text);
        Assert.True(PresenceProtocol.TryParseServerFrame(System.Text.Encoding.UTF8.GetBytes(text), out var messages), $"Not a server frame: {text}");
        foreach (var message in messages)
        {
            _frame.Enqueue(message);
        }
    }

    /// <summary>Receives messages until one matches.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? predicate = null, TimeSpan? timeout = null)
        where T : ServerMessage
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"No matching {typeof(T).Name} in time.");
            }

            if (await NextAsync(remaining) is T match && (predicate is null || predicate(match)))
            {
                return match;
            }
        }
    }

    /// <summary>Receives messages until the roster satisfies <paramref name="predicate"/>.</summary>
    public async Task WaitForRosterAsync(Func<ImmutableDictionary<string, PresenceUser>, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!predicate(Roster))
        {
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The roster never matched; it has {string.Join(", ", Roster.Keys)}.");
            }

            await NextAsync(remaining);
        }
    }

    /// <summary>Reads until the server closes the connection, ignoring messages.</summary>
    public async Task WaitForCloseAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            while (await ReceiveTextAsync(cts.Token) is not null)
            {
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException("The connection did not close in time.");
        }

        IsClosed = true;
    }

    /// <summary>Receives one text message; <see langword="null"/> once the connection is closed.</summary>
    protected abstract Task<string?> ReceiveTextAsync(CancellationToken cancellationToken);
}
