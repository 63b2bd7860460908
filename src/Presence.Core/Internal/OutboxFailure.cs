namespace Presence.Internal;

/// <summary>Why an outbox gave up on its connection.</summary>
internal enum OutboxFailure
{
    /// <summary>A message that may not be dropped did not fit: the client reads too slowly.</summary>
    Overflow,

    /// <summary>One send stayed blocked past the send timeout: the client reads too slowly or not at all.</summary>
    SendTimedOut,

    /// <summary>The transport failed, usually because the client went away.</summary>
    SendFailed,
}
