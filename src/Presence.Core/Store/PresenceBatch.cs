namespace Presence;

/// <summary>
/// One tick's events of a room on one instance, for the other instances: encoded v1 server messages, oldest first,
/// with a participant's cursor updates already coalesced. The same bytes went to the instance's own clients.
/// </summary>
public sealed class PresenceBatch
{
    private readonly ReadOnlyMemory<byte>[] _messages;
    private byte[]? _frame;

    /// <summary>Creates a batch, as the engine does once per room per tick; a backplane's own tests make them too.</summary>
    /// <param name="messages">Encoded v1 server messages, oldest first; at least one.</param>
    public PresenceBatch(params ReadOnlyMemory<byte>[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentOutOfRangeException.ThrowIfZero(messages.Length);
        _messages = messages;
    }

    /// <summary>Gets how many messages the batch holds; never zero.</summary>
    public int Count => _messages.Length;

    /// <summary>Gets one message: a v1 server message, as <see cref="PresenceProtocol.WriteServerMessage(ServerMessage, System.Buffers.IBufferWriter{byte})"/> writes it.</summary>
    /// <param name="index">The message's place in the batch.</param>
    public ReadOnlyMemory<byte> this[int index] => _messages[index];

    /// <summary>Gets the whole batch as one v2 frame, <c>[m1,m2,…]</c>, made once on first use.</summary>
    public ReadOnlyMemory<byte> Frame => Volatile.Read(ref _frame) ?? Publish();

    private byte[] Publish()
    {
        var length = 1;
        foreach (var message in _messages)
        {
            length += message.Length + 1;
        }

        var frame = new byte[length];
        frame[0] = (byte)'[';
        var offset = 1;
        foreach (var message in _messages)
        {
            message.Span.CopyTo(frame.AsSpan(offset));
            offset += message.Length;
            frame[offset++] = (byte)',';
        }

        frame[^1] = (byte)']';

        // Two readers may build it at once; either result is the same bytes, and the first one published wins.
        return Interlocked.CompareExchange(ref _frame, frame, null) ?? frame;
    }
}
