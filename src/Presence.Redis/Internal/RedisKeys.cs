using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// Every key and channel name, in one place.
/// <code>
/// default room    {prefix}:users  {prefix}:activity  {prefix}:owners   channel {prefix}:events
/// room R          {prefix}:{R}:users  {prefix}:{R}:activity  {prefix}:{R}:owners   channel {prefix}:{R}:events
/// instance I      {prefix}:instance:I (liveness, TTL)  {prefix}:instance:I:rooms (set)  {prefix}:instance:I:sweeper (lock)
/// all instances   {prefix}:instances (sorted set, I -> last heartbeat)
/// </code>
/// The default room's names are the seed's own, so that the seed's backend shares the roster. A room's name is a
/// cluster hash tag, so that its keys and channel live on one node.
/// </summary>
internal sealed class RedisKeys(string prefix, bool shardedRooms)
{
    public RedisKey Users(string room) => Key(room, "users");

    public RedisKey Activity(string room) => Key(room, "activity");

    public RedisKey Owners(string room) => Key(room, "owners");

    public RedisChannel Channel(string room)
    {
        if (IsDefault(room))
        {
            return RedisChannel.Literal($"{prefix}:events");
        }

        var name = $"{prefix}:{{{room}}}:events";
        return shardedRooms ? RedisChannel.Sharded(name) : RedisChannel.Literal(name);
    }

    public RedisKey Instances => $"{prefix}:instances";

    public RedisKey Liveness(string instance) => $"{prefix}:instance:{instance}";

    public RedisKey InstanceRooms(string instance) => $"{prefix}:instance:{instance}:rooms";

    public RedisKey Sweeper(string instance) => $"{prefix}:instance:{instance}:sweeper";

    private static bool IsDefault(string room) => room == PresenceRules.DefaultRoom;

    private RedisKey Key(string room, string name) => IsDefault(room) ? $"{prefix}:{name}" : $"{prefix}:{{{room}}}:{name}";
}
