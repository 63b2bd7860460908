using Presence.Internal;

namespace Presence;

/// <summary>
/// One encoded message on its way to one or more connections. A broadcast makes one frame and hands the same object to
/// every recipient, so that a transport can encode it for its wire (frame it, compress it) once for all of them, with
/// <see cref="GetEncoded"/>, as SignalR's <c>SerializedHubMessage</c> caches a serialisation per protocol.
/// </summary>
/// <remarks>Never change <see cref="Payload"/> or an encoding: other connections share them.</remarks>
public sealed class PresenceFrame
{
    private Encoding? _first;
    private Encoding? _second;
    private List<Encoding>? _more;

    /// <summary>Creates a frame.</summary>
    /// <param name="payload">The encoded message: a server message, a v2 frame of them, or, from a client, a client message.</param>
    public PresenceFrame(ReadOnlyMemory<byte> payload) => Payload = payload;

    internal PresenceFrame(ReadOnlyMemory<byte> payload, CursorPositions? cursors)
        : this(payload) => Cursors = cursors;

    /// <summary>Gets the encoded message.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>
    /// Gets the cursor updates the frame is made of, when it is made only of them: an outbox that is full may then
    /// coalesce it with others, keeping each participant's newest position. <see langword="null"/> for frames that
    /// must arrive as they are.
    /// </summary>
    internal CursorPositions? Cursors { get; }

    /// <summary>
    /// Gets the frame as <paramref name="encoder"/> writes it on its wire, encoded on the first call and the same bytes
    /// for every later call with the same encoder, from any connection.
    /// </summary>
    /// <param name="encoder">The transport's encoding; one instance per encoding, shared by all its connections.</param>
    /// <returns>The encoded frame.</returns>
    public ReadOnlyMemory<byte> GetEncoded(IPresenceFrameEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (Volatile.Read(ref _first) is { } first && first.Encoder == encoder)
        {
            return first.Bytes;
        }

        if (Volatile.Read(ref _second) is { } second && second.Encoder == encoder)
        {
            return second.Bytes;
        }

        return AddEncoding(encoder);
    }

    // Two senders may encode the same frame at once; either result is right, and the first one kept wins. Most
    // transports have one or two encodings: they get a slot each, without a lock; more share a list under one.
    private ReadOnlyMemory<byte> AddEncoding(IPresenceFrameEncoder encoder)
    {
        var encoding = new Encoding(encoder, encoder.Encode(Payload));
        if ((Keep(ref _first, encoding) ?? Keep(ref _second, encoding)) is { } kept)
        {
            return kept.Bytes;
        }

        var more = Volatile.Read(ref _more);
        if (more is null)
        {
            var created = new List<Encoding>(1);
            more = Interlocked.CompareExchange(ref _more, created, null) ?? created;
        }

        lock (more)
        {
            foreach (var existing in more)
            {
                if (existing.Encoder == encoder)
                {
                    return existing.Bytes;
                }
            }

            more.Add(encoding);
            return encoding.Bytes;
        }
    }

    // The encoding now in the slot if it is this encoder's (ours, or the same one another sender kept first); null
    // when the slot holds another encoder's.
    private static Encoding? Keep(ref Encoding? slot, Encoding encoding)
    {
        var existing = Interlocked.CompareExchange(ref slot, encoding, null);
        return existing is null ? encoding : existing.Encoder == encoding.Encoder ? existing : null;
    }

    private sealed record Encoding(IPresenceFrameEncoder Encoder, ReadOnlyMemory<byte> Bytes);
}
