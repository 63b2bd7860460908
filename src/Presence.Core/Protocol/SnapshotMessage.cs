namespace Presence;

/// <summary>The whole roster of a room, sent to a client as its first message.</summary>
/// <param name="SelfId">The id the server gave the receiving client, which may differ from the one it asked for.</param>
/// <param name="Users">Everyone in the room, the receiver included.</param>
/// <param name="StateStore">The label of the server's store: <c>memory</c> or <c>redis</c>.</param>
public sealed record SnapshotMessage(string SelfId, IReadOnlyList<PresenceUser> Users, string StateStore) : ServerMessage
{
    /// <inheritdoc />
    public override ServerMessageType Type => ServerMessageType.Snapshot;

    /// <inheritdoc />
    public bool Equals(SnapshotMessage? other) =>
        other is not null
        && SelfId == other.SelfId
        && StateStore == other.StateStore
        && Users.SequenceEqual(other.Users);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SelfId, StateStore, Users.Count);
}
