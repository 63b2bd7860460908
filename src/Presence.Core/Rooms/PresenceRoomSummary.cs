namespace Presence;

/// <summary>A room that has participants, as <see cref="IPresenceRooms.ListAsync"/> reports it.</summary>
/// <param name="Name">The room's name.</param>
/// <param name="Participants">How many participants it has, on every instance.</param>
public sealed record PresenceRoomSummary(string Name, int Participants);
