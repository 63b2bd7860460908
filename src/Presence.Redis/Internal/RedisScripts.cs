namespace Presence.Redis.Internal;

/// <summary>
/// The scripts that change a room's roster. Each runs atomically on the node that owns the room's keys (KEYS are the
/// room's users, activity and owners, <see cref="RedisKeys.Roster"/>), so that an ownership check and what depends on
/// it can never be split by another instance's write.
/// </summary>
/// <remarks>
/// <para>
/// The owners hash maps a participant's id to its owner: <c>instance:session</c>, the instance that serves it and the
/// connection's session there. A shared participant (a signed-in user's tabs, <see cref="RosterSessionMode.Shared"/>)
/// maps to <c>*</c> and its owners separated by spaces, oldest first, at most 64 (past them the oldest is forgotten; its
/// connection, if it is still there, joins again with its next write). An entry written by an older Presence holds the bare instance id: it is another
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
    /// <summary>
    /// ARGV: id, user JSON, now (Unix seconds), owner, expiry (seconds), '1' for a shared claim. An exclusive claim
    /// always writes, and owns the participant alone. A shared one joins the participant's shared owners when it has
    /// some, leaves its user as they made it and returns it; otherwise it writes and returns nil.
    /// </summary>
    public const string Claim = """
        local owners = redis.call('HGET', KEYS[3], ARGV[1])
        local held = false
        if ARGV[6] == '1' and owners and string.sub(owners, 1, 1) == '*' then
          held = redis.call('HGET', KEYS[1], ARGV[1])
          local list = string.sub(owners, 2)
          if not string.find(' ' .. list .. ' ', ' ' .. ARGV[4] .. ' ', 1, true) then
            local count = 0
            for _ in string.gmatch(list, '%S+') do count = count + 1 end
            if count >= 64 then list = string.match(list, '^%S+ (.*)$') end
            owners = '*' .. list .. ' ' .. ARGV[4]
          end
        elseif ARGV[6] == '1' then
          owners = '*' .. ARGV[4]
        else
          owners = ARGV[4]
        end
        if not held then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], owners)
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
        return held
        """;

    /// <summary>
    /// ARGV: id, user JSON, now, owner, expiry, '1' for a shared session. Returns 1 (written; also when a shared
    /// session joined the participant's other shared owners again), 2 (claimed again: nobody owned it, or only older
    /// connections did) or 0 (a connection not older owns it, or for an exclusive write any of its shared owners:
    /// nothing written); the values of <see cref="RosterWrite"/>, with 0 for taken over. Connections are ordered by
    /// when they opened, the number that starts their session.
    /// </summary>
    public const string Update = """
        local owners = redis.call('HGET', KEYS[3], ARGV[1])
        local result = 2
        if owners then
          local shared = string.sub(owners, 1, 1) == '*'
          local list = owners
          if shared then list = string.sub(owners, 2) end
          if string.find(' ' .. list .. ' ', ' ' .. ARGV[4] .. ' ', 1, true) then
            result = 1
          elseif shared and ARGV[6] == '1' then
            owners = owners .. ' ' .. ARGV[4]
            result = 1
          else
            local mine = tonumber(string.match(ARGV[4], '^[^:]*:(%d+)%.'))
            for other in string.gmatch(list, '%S+') do
              local theirs = tonumber(string.match(other, '^[^:]*:(%d+)%.'))
              if not theirs or not mine or mine <= theirs then return 0 end
            end
          end
        end
        if result == 2 then
          owners = ARGV[4]
          if ARGV[6] == '1' then owners = '*' .. owners end
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        redis.call('HSET', KEYS[3], ARGV[1], owners)
        for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[5]) end
        return result
        """;

    /// <summary>
    /// ARGV: id, owner, channel, departure envelope, '1' for a sharded channel. Removes the participant and publishes
    /// its departure when the owner still owns it or nobody does, and returns 1; a shared owner is removed from the
    /// participant's owners, and the participant only with the last of them. Returns 0 when another owner has it.
    /// </summary>
    public const string Release = """
        local owners = redis.call('HGET', KEYS[3], ARGV[1])
        if owners and string.sub(owners, 1, 1) == '*' then
          local rest = {}
          local found = false
          for other in string.gmatch(string.sub(owners, 2), '%S+') do
            if other == ARGV[2] then found = true else rest[#rest + 1] = other end
          end
          if not found then return 0 end
          if #rest > 0 then
            redis.call('HSET', KEYS[3], ARGV[1], '*' .. table.concat(rest, ' '))
            return 0
          end
        elseif owners and owners ~= ARGV[2] then
          return 0
        end
        redis.call('HDEL', KEYS[1], ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], ARGV[1])
        if ARGV[5] == '1' then redis.call('SPUBLISH', ARGV[3], ARGV[4]) else redis.call('PUBLISH', ARGV[3], ARGV[4]) end
        return 1
        """;

    /// <summary>
    /// ARGV: dead instance, channel, envelope prefix (<c>{"origin":"…","event":</c>), '1' for a sharded channel. Removes
    /// every participant the dead instance owns and publishes each departure; returns their ids. A participant that
    /// reconnected elsewhere has another owner and stays; a shared one loses the dead instance's owners, and leaves
    /// only when it had no other. Ids that are not identifiers are removed without a word.
    /// </summary>
    public const string Sweep = """
        local removed = {}
        local owners = redis.call('HGETALL', KEYS[3])
        local mine = ARGV[1] .. ':'
        for i = 1, #owners, 2 do
          local id, owner = owners[i], owners[i + 1]
          local gone = false
          if string.sub(owner, 1, 1) == '*' then
            local rest = {}
            local dropped = false
            for other in string.gmatch(string.sub(owner, 2), '%S+') do
              if other == ARGV[1] or string.sub(other, 1, #mine) == mine then dropped = true else rest[#rest + 1] = other end
            end
            if #rest == 0 then
              gone = true
            elseif dropped then
              redis.call('HSET', KEYS[3], id, '*' .. table.concat(rest, ' '))
            end
          else
            gone = owner == ARGV[1] or string.sub(owner, 1, #mine) == mine
          end
          if gone then
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
