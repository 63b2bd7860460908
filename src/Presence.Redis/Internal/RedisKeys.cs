using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// Every key and channel name, in one place.
/// <code>
/// default room    {prefix}:users  {prefix}:activity  {prefix}:owners   channel {prefix}:events      (seed layout)
/// room R          {prefix}:{R}:users  {prefix}:{R}:activity  {prefix}:{R}:owners   channel {prefix}:{R}:events
/// instance I      {prefix}:instance:I (liveness, TTL)  {prefix}:instance:I:rooms (set)  {prefix}:instance:I:sweeper (lock)
/// all instances   {prefix}:instances (sorted set, I -> last heartbeat)
/// </code>
/// With the seed layout (a standalone server and <see cref="RedisPresenceOptions.SeedCompatibility"/>), the default
/// room's names are the seed's own, so that the seed's backend shares the roster. Otherwise, and on a cluster, where
/// the seed's names would put one room's keys on different nodes, the default room is named like every other room.
/// A room's name is a cluster hash tag, so that its keys and its channel live on one node: the scripts that change a
/// room's roster touch only that node, and publications keep their order with them.
/// </summary>
internal sealed class RedisKeys(string prefix, bool shardedChannels, bool seedLayout)
{
    public RedisKey Users(string room) => Key(room, "users");

    public RedisKey Activity(string room) => Key(room, "activity");

    public RedisKey Owners(string room) => Key(room, "owners");

    /// <summary>Gets the room's three roster keys, in the order the scripts expect them.</summary>
    public RedisKey[] Roster(string room) => [Users(room), Activity(room), Owners(room)];

    public RedisChannel Channel(string room)
    {
        if (IsSeedDefault(room))
        {
            return RedisChannel.Literal($"{prefix}:events");
        }

        // Key-routed: a publication goes to the node that owns the room's keys, on the same connection as the room's
        // scripts, so that Redis sees both in the order they were made.
        var name = $"{prefix}:{{{room}}}:events";
        return shardedChannels ? RedisChannel.Sharded(name) : RedisChannel.Literal(name).WithKeyRouting();
    }

    /// <summary>Gets a value telling whether the room's channel is a sharded one (<c>SPUBLISH</c>).</summary>
    public bool IsSharded(string room) => shardedChannels && !IsSeedDefault(room);

    /// <summary>Gets a value telling whether the room is the default one in the seed's layout, which older peers read.</summary>
    public bool IsSeedDefault(string room) => seedLayout && room == PresenceRules.DefaultRoom;

    public RedisKey Instances => $"{prefix}:instances";

    /// <summary>Gets the key of the secret every instance signs resume tokens with.</summary>
    public RedisKey ResumeSecret => $"{prefix}:resume-secret";

    /// <summary>Gets the key of the set of secrets signed with lately, still accepted.</summary>
    public RedisKey ResumeSecrets => $"{prefix}:resume-secrets";

    public RedisKey Liveness(string instance) => $"{prefix}:instance:{instance}";

    public RedisKey InstanceRooms(string instance) => $"{prefix}:instance:{instance}:rooms";

    public RedisKey Sweeper(string instance) => $"{prefix}:instance:{instance}:sweeper";

    private RedisKey Key(string room, string name) => IsSeedDefault(room) ? $"{prefix}:{name}" : $"{prefix}:{{{room}}}:{name}";
}
