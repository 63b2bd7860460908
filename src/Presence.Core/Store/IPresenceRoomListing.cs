namespace Presence;

/// <summary>
/// Implemented by a roster that can list its rooms. Without it, <see cref="IPresenceRooms.ListAsync"/> reports the
/// rooms of the instance that asks.
/// </summary>
public interface IPresenceRoomListing
{
    /// <summary>Lists the rooms that have participants that are not stale, on every instance the roster serves.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rooms, in no particular order.</returns>
    ValueTask<IReadOnlyList<PresenceRoomSummary>> ListRoomsAsync(CancellationToken cancellationToken = default);
}
