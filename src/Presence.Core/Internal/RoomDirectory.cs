using System.Collections.Concurrent;

namespace Presence.Internal;

/// <summary>
/// The one owner of the rooms' lives on this instance: it creates a room for its first member, replaces a member by a
/// newer connection with the same id, and retires a room when its last member leaves. Each of these happens in one
/// critical section, under the lock of the room's stripe, before any await: a retired room is out of the directory
/// before anyone else can find it, so a join never meets one and nothing here ever retries.
/// </summary>
/// <remarks>
/// Rooms are spread over stripes by name, so that joins in different rooms rarely share a lock; the lock is held for
/// a dictionary change and a copy of the room's member array, never across a call out of the directory.
/// </remarks>
internal sealed class RoomDirectory
{
    private const int StripeCount = 64;

    // Read without a lock by the ticks and the maintenance loop; changed only under the stripes.
    private readonly ConcurrentDictionary<string, PresenceRoom> _rooms = new(StringComparer.Ordinal);
    private readonly Lock[] _stripes = [.. Enumerable.Range(0, StripeCount).Select(static _ => new Lock())];
    private readonly int _maximumRooms;
    private readonly int _maximumMembers;
    private readonly int _maximumConnectionsPerParticipant;
    private int _roomCount;

    /// <summary>
    /// Creates a directory of at most <paramref name="maximumRooms"/> rooms of <paramref name="maximumMembers"/> members
    /// each, and at most <paramref name="maximumConnectionsPerParticipant"/> connections per signed-in participant.
    /// </summary>
    public RoomDirectory(int maximumRooms = int.MaxValue, int maximumMembers = int.MaxValue, int maximumConnectionsPerParticipant = 8)
    {
        _maximumRooms = maximumRooms;
        _maximumMembers = maximumMembers;
        _maximumConnectionsPerParticipant = maximumConnectionsPerParticipant;
    }

    /// <summary>Gets how many rooms are live, as of now.</summary>
    public int Count => Volatile.Read(ref _roomCount);

    /// <summary>Gets the live rooms, as of now.</summary>
    public ICollection<PresenceRoom> Rooms => _rooms.Values;

    /// <summary>Gets the live room of this name, if there is one now.</summary>
    public PresenceRoom? Find(string name) => _rooms.GetValueOrDefault(name);

    /// <summary>
    /// Makes the connection its room's member, creating the room if it has none. A member with the same id is replaced
    /// and returned in <paramref name="replaced"/>: it is no longer a member. When both are the same signed-in user,
    /// the connection follows the member instead (<see cref="PresenceConnection.IsFollower"/>), and what is returned in
    /// <paramref name="replaced"/> is the participant's oldest follower, when it has as many connections as it may.
    /// </summary>
    /// <remarks>
    /// A connection that would make a room too big, or a room too many, joins nothing: <see langword="null"/>, with
    /// why in <paramref name="refusal"/>. A newer connection of a member is never refused: it takes a place already held.
    /// </remarks>
    public PresenceRoom? Join(PresenceConnection connection, out PresenceConnection? replaced, out List<PresenceConnection>? replacedFollowers, out PresenceCloseStatus? refusal)
    {
        replaced = null;
        replacedFollowers = null;
        refusal = null;
        lock (StripeOf(connection.RoomName))
        {
            if (!_rooms.TryGetValue(connection.RoomName, out var room))
            {
                // Counted before the room exists, so that concurrent first joins on other stripes never overshoot.
                if (Interlocked.Increment(ref _roomCount) > _maximumRooms)
                {
                    Interlocked.Decrement(ref _roomCount);
                    refusal = PresenceCloseStatus.ServerFull;
                    return null;
                }

                room = new PresenceRoom(connection.RoomName);
                _rooms[connection.RoomName] = room;
            }
            else if (room.WouldExceedLocked(connection, _maximumMembers))
            {
                refusal = PresenceCloseStatus.RoomFull;
                return null;
            }

            connection.Room = room;
            if (connection.IsShared && room.FindLocked(connection.Id) is { IsShared: true })
            {
                replaced = room.AddFollowerLocked(connection, _maximumConnectionsPerParticipant);
                return room;
            }

            // Replaced by a connection that is no tab of the same user: its followers go with it.
            replaced = room.AddLocked(connection);
            if (replaced is not null)
            {
                replacedFollowers = room.TakeFollowersLocked(connection.Id);
            }

            return room;
        }
    }

    /// <summary>
    /// Takes the connection out of its room if it still is a member; when it was the last one, the room is retired and
    /// out of the directory before this returns. <see langword="null"/> when it was not a member (it was replaced, or
    /// never joined).
    /// </summary>
    public Departure? Leave(PresenceConnection connection)
    {
        if (connection.Room is not { } room)
        {
            return null;
        }

        lock (StripeOf(room.Name))
        {
            if (room.RemoveFollowerLocked(connection) || !room.RemoveLocked(connection))
            {
                // A follower's departure is no participant's: its member, or its next tab, speaks for it.
                return null;
            }

            // The participant's next tab takes its place at once, in the same critical section: nobody sees it leave.
            if (room.PromoteLocked(connection) is { } successor)
            {
                return new Departure(room, RoomRetired: false, successor);
            }

            if (!room.IsEmptyLocked)
            {
                return new Departure(room, RoomRetired: false);
            }

            if (_rooms.TryRemove(new KeyValuePair<string, PresenceRoom>(room.Name, room)))
            {
                Interlocked.Decrement(ref _roomCount);
            }

            room.RetireLocked();
            return new Departure(room, RoomRetired: true);
        }
    }

    /// <summary>Takes the followers of the participant out of the room: they are to be closed with it.</summary>
    public List<PresenceConnection> TakeFollowers(PresenceRoom room, string id)
    {
        lock (StripeOf(room.Name))
        {
            return room.TakeFollowersLocked(id);
        }
    }

    /// <summary>Gets the room's member with this id, if there is one now.</summary>
    public PresenceConnection? FindMember(PresenceRoom room, string id)
    {
        lock (StripeOf(room.Name))
        {
            return room.FindLocked(id);
        }
    }

    private Lock StripeOf(string room) => _stripes[(StringComparer.Ordinal.GetHashCode(room) & int.MaxValue) % StripeCount];

    /// <summary>A member that left its room, whether that retired the room, and the follower that took its place.</summary>
    internal readonly record struct Departure(PresenceRoom Room, bool RoomRetired, PresenceConnection? Successor = null);
}
