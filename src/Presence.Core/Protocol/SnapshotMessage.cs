namespace Presence;

/// <summary>The whole roster of a room, sent to a client as its first message.</summary>
/// <param name="SelfId">The id the server gave the receiving client, which may differ from the one it asked for.</param>
/// <param name="Users">Everyone in the room, the receiver included.</param>
/// <param name="StateStore">The label of the server's store: <c>memory</c> or <c>redis</c>.</param>
public sealed record SnapshotMessage(string SelfId, IReadOnlyList<PresenceUser> Users, string StateStore) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Snapshot;

    /// <summary>
    /// Gets the secret that proves this connection's claim to <see cref="SelfId"/>: a client that reconnects with it
    /// (<c>?resume=</c>) may take its id back while the id is still live or in its reconnect grace window; one that
    /// does not gets a fresh id. Clients that know nothing of it ignore it. Keep it as private as a session cookie.
    /// </summary>
    public string? ResumeToken { get; init; }

    /// <inheritdoc />
    public bool Equals(SnapshotMessage? other) =>
        other is not null
        && SelfId == other.SelfId
        && StateStore == other.StateStore
        && ResumeToken == other.ResumeToken
        && Users.SequenceEqual(other.Users);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SelfId, StateStore, Users.Count);
}
