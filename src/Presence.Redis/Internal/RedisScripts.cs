namespace Presence.Redis.Internal;

/// <summary>
/// The scripts that change a room's roster. Each runs atomically on the node that owns the room's keys (KEYS are the
/// room's users, activity and owners, <see cref="RedisKeys.Roster"/>), so that an ownership check and what depends on
/// it can never be split by another instance's write.
/// </summary>
/// <remarks>
/// <para>
/// The owners hash maps a participant's id to its owner: <c>instance:session</c>, the instance that serves it and the
/// connection's session there. An entry written by an older Presence holds the bare instance id: it is another
/// session's, and crash cleanup still recognises its instance. The seed's backend ignores the hash; an entry it wrote
/// has no owner, which every script treats as "nobody owns it".
/// </para>
/// <para>
/// A departure is published by the script that removes the participant, as <c>{"origin":…,"event":{"type":"leave",…}}</c>
/// on the room's channel: after whatever this instance published for the room before (same node, same connection),
/// and before anything another instance publishes after claiming the participant, since its claim runs after.
/// </para>
/// </remarks>
internal static class RedisScripts
{
    /// <summary>ARGV: id, user JSON, now (Unix seconds), owner, expiry (seconds). Always writes.</summary>
    public const string Claim = """
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
        return 1
        """;

    /// <summary>
    /// ARGV: id, user JSON, now, owner, expiry. Returns 1 (written), 2 (claimed again: nobody owned it, or an older
    /// connection did) or 0 (a newer connection owns it: nothing written); the values of <see cref="RosterWrite"/>,
    /// with 0 for taken over. Connections are ordered by when they opened, the number that starts their session.
    /// </summary>
    public const string Update = """
        local owner = redis.call('HGET', KEYS[3], ARGV[1])
        if owner and owner ~= ARGV[4] then
          local theirs = tonumber(string.match(owner, '^[^:]*:(%d+)%.'))
          local mine = tonumber(string.match(ARGV[4], '^[^:]*:(%d+)%.'))
          if not theirs or not mine or mine <= theirs then return 0 end
          owner = nil
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
        if owner then return 1 end
        return 2
        """;

    /// <summary>
    /// ARGV: id, owner, channel, departure envelope, '1' for a sharded channel. Removes the participant and publishes
    /// its departure when the owner still owns it or nobody does; returns 1 then, 0 when another owner has it.
    /// </summary>
    public const string Release = """
        local owner = redis.call('HGET', KEYS[3], ARGV[1])
        if owner and owner ~= ARGV[2] then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        if ARGV[5] == '1' then redis.call('SPUBLISH', ARGV[3], ARGV[4]) else redis.call('PUBLISH', ARGV[3], ARGV[4]) end
        return 1
        """;

    /// <summary>
    /// ARGV: dead instance, channel, envelope prefix (<c>{"origin":"…","event":</c>), '1' for a sharded channel. Removes
    /// every participant the dead instance owns and publishes each departure; returns their ids. A participant that
    /// reconnected elsewhere has another owner and stays. Ids that are not identifiers are removed without a word.
    /// </summary>
    public const string Sweep = """
        local removed = {}
        local owners = redis.call('HGETALL', KEYS[3])
        local mine = ARGV[1] .. ':'
        for i = 1, #owners, 2 do
          local id, owner = owners[i], owners[i + 1]
          if owner == ARGV[1] or string.sub(owner, 1, #mine) == mine then
            redis.call('HDEL', KEYS[1], id)
            redis.call('ZREM', KEYS[2], id)
            redis.call('HDEL', KEYS[3], id)
            if #id <= 64 and string.match(id, '^[%w_-]+$') then
              local leave = ARGV[3] .. '{"type":"leave","id":"' .. id .. '"}}'
              if ARGV[4] == '1' then redis.call('SPUBLISH', ARGV[2], leave) else redis.call('PUBLISH', ARGV[2], leave) end
              removed[#removed + 1] = id
            end
          end
        end
        return removed
        """;

    /// <summary>
    /// ARGV: the oldest activity that is still fresh (Unix seconds). As the seed does: prunes the stale first, then
    /// returns the users hash (field, value, field, value…).
    /// </summary>
    public const string Snapshot = """
        local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
        for i = 1, #stale, 500 do
          local last = math.min(i + 499, #stale)
          redis.call('HDEL', KEYS[1], unpack(stale, i, last))
          redis.call('ZREM', KEYS[2], unpack(stale, i, last))
          redis.call('HDEL', KEYS[3], unpack(stale, i, last))
        end
        return redis.call('HGETALL', KEYS[1])
        """;
}
