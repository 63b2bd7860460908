using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using StackExchange.Redis;

namespace Presence.Redis.Internal;

/// <summary>
/// The roster of a fleet of instances on Redis: per room, a users hash and an activity sorted set as the seed keeps
/// them, and an owners hash that says which instance and connection serve each participant. Ownership is checked and
/// acted on atomically, in the scripts of <see cref="RedisScripts"/>.
/// </summary>
/// <remarks>
/// While Redis is unreachable, claims and writes return at once without effect (the engine claims again when it
/// returns), releases are remembered and replayed on return, and snapshots are empty, so that the engine serves its
/// local members alone. Every command is issued before the method returns, so that one participant's writes reach
/// Redis in the order they were made.
/// </remarks>
internal sealed class RedisPresenceRoster(RedisConnection redis) : IPresenceRoster, IPresenceRoomListing, IPresenceStoreHealth, IPresenceSharedSecret
{
    // The secret this instance signs with, and every secret the instances signed with lately (the current first).
    private byte[]? _secret;
    private IReadOnlyList<byte[]>? _secrets;
    private long _lastRefresh = long.MinValue / 2;

    /// <inheritdoc />
    /// <remarks>
    /// The first instance to ask sets the current secret (<c>SET NX</c>) and every other reads that one. Once known it
    /// is kept here. Should Redis restart empty, the heartbeat puts it back (<see cref="RestoreSharedSecretAsync"/>);
    /// an instance that made a new one meanwhile meets it there, and both then sign with whichever Redis holds. Every
    /// secret an instance signed with is also kept in a set, for a day (a token's life), so that tokens signed under
    /// one that lost are still accepted.
    /// </remarks>
    public async ValueTask<IReadOnlyList<byte[]>?> GetSharedSecretsAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _secrets) is { } known)
        {
            return known;
        }

        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return null;
        }

        var db = connection.GetDatabase();
        await db.StringSetAsync(keys.ResumeSecret, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32), when: When.NotExists).ConfigureAwait(false);
        return await SettleSecretsAsync(db, keys).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>At most one read a second, however many joins ask: a client's bad token cannot make each of its joins a Redis read.</remarks>
    public async ValueTask<IReadOnlyList<byte[]>?> RefreshSharedSecretsAsync(CancellationToken cancellationToken = default)
    {
        var now = Environment.TickCount64;
        var last = Volatile.Read(ref _lastRefresh);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _lastRefresh, now, last) != last || !redis.TryGetReady(out var connection, out var keys))
        {
            return Volatile.Read(ref _secrets);
        }

        return await SettleSecretsAsync(connection.GetDatabase(), keys).ConfigureAwait(false) ?? Volatile.Read(ref _secrets);
    }

    /// <summary>
    /// Writes the secret back if Redis lost it (a restart); takes whichever Redis holds then, and keeps every secret
    /// signed with lately in the set.
    /// </summary>
    public async Task RestoreSharedSecretAsync()
    {
        if (Volatile.Read(ref _secret) is { } known && redis.TryGetReady(out var connection, out var keys))
        {
            var db = connection.GetDatabase();
            await db.StringSetAsync(keys.ResumeSecret, known, when: When.NotExists).ConfigureAwait(false);
            await SettleSecretsAsync(db, keys).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyList<byte[]>?> SettleSecretsAsync(IDatabase db, RedisKeys keys)
    {
        var stored = await db.StringGetAsync(keys.ResumeSecret).ConfigureAwait(false);
        if (stored.IsNull || ((byte[])stored!).Length < 32)
        {
            return null;
        }

        var current = (byte[])stored!;
        var signedWith = Volatile.Read(ref _secret) is { } mine ? new RedisValue[] { current, mine } : [current];
        await db.SetAddAsync(keys.ResumeSecrets, signedWith).ConfigureAwait(false);
        await db.KeyExpireAsync(keys.ResumeSecrets, TimeSpan.FromHours(25)).ConfigureAwait(false);
        var all = await db.SetMembersAsync(keys.ResumeSecrets).ConfigureAwait(false);

        // At most a few: one per restart that split the instances, within a day.
        IReadOnlyList<byte[]> secrets = [current, .. all.Select(static v => (byte[])v!).Where(v => v.Length >= 32 && !v.AsSpan().SequenceEqual(current)).Take(15)];
        Volatile.Write(ref _secret, current);
        Volatile.Write(ref _secrets, secrets);
        return secrets;
    }

    private readonly ConcurrentDictionary<(string Room, string Id, string Session), byte> _pendingReleases = new();

    public string Label => "redis";

    public bool IsAvailable => redis.IsAvailable;

    public long Outages => redis.Outages;

    /// <summary>Gets how many releases wait for Redis to return.</summary>
    internal int PendingReleaseCount => _pendingReleases.Count;

    /// <inheritdoc />
    /// <remarks>
    /// The rooms are those that the instances record as served (each instance's set, which its heartbeat keeps), each
    /// counted by its activity since the stale cutoff: a room whose participants all went stale is left out. One key
    /// per command, so that it works on a cluster as on a single node. Empty while Redis is unreachable.
    /// </remarks>
    public async ValueTask<IReadOnlyList<PresenceRoomSummary>> ListRoomsAsync(CancellationToken cancellationToken = default)
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return [];
        }

        var db = connection.GetDatabase();
        var instances = await db.SortedSetRangeByRankAsync(keys.Instances).ConfigureAwait(false);
        var served = await Task.WhenAll(instances.Select(i => db.SetMembersAsync(keys.InstanceRooms(i.ToString())))).ConfigureAwait(false);
        var names = served.SelectMany(static rooms => rooms).Select(static room => room.ToString()).Where(static room => room.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        var cutoff = redis.Now() - redis.Options.StaleAfter.TotalSeconds;
        var counts = await Task.WhenAll(names.Select(room => db.SortedSetLengthAsync(keys.Activity(room), cutoff, double.PositiveInfinity))).ConfigureAwait(false);
        var rooms = new List<PresenceRoomSummary>(names.Length);
        for (var i = 0; i < names.Length; i++)
        {
            if (counts[i] > 0)
            {
                rooms.Add(new PresenceRoomSummary(names[i], (int)counts[i]));
            }
        }

        return rooms;
    }

    public async ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default)
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return [];
        }

        var cutoff = (redis.Now() - redis.Options.StaleAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var result = await connection.GetDatabase().ScriptEvaluateAsync(RedisScripts.Snapshot, keys.Roster(room), [cutoff]).ConfigureAwait(false);
        var entries = (RedisResult[])result!;
        var users = new List<PresenceUser>(entries.Length / 2);
        for (var i = 0; i + 1 < entries.Length; i += 2)
        {
            var id = (string?)entries[i];
            var value = (byte[]?)entries[i + 1];
            if (value is not null
                && PresenceProtocol.TryParseUser(value, out var user)
                && PresenceRules.TryCleanUser(user, out var clean)
                && clean.Id == id)
            {
                users.Add(clean);
            }
            else
            {
                redis.WarnMalformed(room, "roster entry");
            }
        }

        return users;
    }

    public ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            return new((PresenceUser?)null);
        }

        var db = connection.GetDatabase();
        if (mode == RosterSessionMode.Exclusive)
        {
            // Fire and forget keeps a joining connection off the network; one connection keeps the order.
            _ = db.ScriptEvaluateAsync(RedisScripts.Claim, keys.Roster(room), Write(user, session, mode), CommandFlags.FireAndForget);
            RecordRoom(db, keys, room);
            return new((PresenceUser?)null);
        }

        // A shared claim waits for the answer: the participant its other tabs hold, if they do.
        var claim = db.ScriptEvaluateAsync(RedisScripts.Claim, keys.Roster(room), Write(user, session, mode));
        RecordRoom(db, keys, room);
        return AwaitAsync(claim, room, user.Id);

        async ValueTask<PresenceUser?> AwaitAsync(Task<RedisResult> pending, string room, string id)
        {
            var held = await pending.ConfigureAwait(false);
            if (held.IsNull)
            {
                return null;
            }

            if ((byte[]?)held is { } value && PresenceProtocol.TryParseUser(value, out var stored) && PresenceRules.TryCleanUser(stored, out var clean) && clean.Id == id)
            {
                return clean;
            }

            redis.WarnMalformed(room, "roster entry");
            return null;
        }
    }

    public ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            // Unknown until Redis returns; the engine then writes everyone again.
            return new(RosterWrite.Written);
        }

        var db = connection.GetDatabase();
        var update = db.ScriptEvaluateAsync(RedisScripts.Update, keys.Roster(room), Write(user, session, mode));
        RecordRoom(db, keys, room);
        return AwaitAsync(update);

        static async ValueTask<RosterWrite> AwaitAsync(Task<RedisResult> update) => (int)await update.ConfigureAwait(false) switch
        {
            1 => RosterWrite.Written,
            2 => RosterWrite.Restored,
            _ => RosterWrite.TakenOver,
        };
    }

    public ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default)
    {
        if (!redis.TryGetReady(out var connection, out var keys))
        {
            _pendingReleases[(room, participantId, session)] = 0;
            return new(true);
        }

        return ReleaseAsync(connection, keys, room, participantId, session);
    }

    /// <summary>After an outage: replays the releases that could not be made, each one announcing its departure.</summary>
    internal async Task ReplayPendingReleasesAsync()
    {
        foreach (var (room, id, session) in _pendingReleases.Keys)
        {
            if (!redis.TryGetReady(out var connection, out var keys))
            {
                return;
            }

            if (_pendingReleases.TryRemove((room, id, session), out _))
            {
                await ReleaseAsync(connection, keys, room, id, session).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<bool> ReleaseAsync(IConnectionMultiplexer connection, RedisKeys keys, string room, string participantId, string session)
    {
        var leave = new ArrayBufferWriter<byte>(64);
        PresenceProtocol.WriteServerMessage(new LeaveMessage(participantId), leave);
        var envelope = RedisEnvelope.Wrap(redis.EnvelopePrefix, leave.WrittenSpan);
        try
        {
            var removed = await connection.GetDatabase().ScriptEvaluateAsync(
                RedisScripts.Release,
                keys.Roster(room),
                [participantId, redis.Owner(session), keys.Channel(room).ToString(), envelope, keys.IsSharded(room) ? "1" : "0"]).ConfigureAwait(false);
            return (int)removed == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Redis went away mid-call: it is replayed when Redis returns; the local clients are told now.
            _pendingReleases[(room, participantId, session)] = 0;
            return true;
        }
    }

    private RedisValue[] Write(PresenceUser user, string session, RosterSessionMode mode)
    {
        var json = new ArrayBufferWriter<byte>(160);
        PresenceProtocol.WriteUser(user, json);
        var expiry = (long)(redis.Options.StaleAfter * 4).TotalSeconds;
        return [user.Id, json.WrittenMemory, redis.Now(), redis.Owner(session), expiry, mode == RosterSessionMode.Shared ? "1" : "0"];
    }

    // Which rooms this instance serves, for crash cleanup should it die without a word. Until its heartbeat has
    // announced it to a Redis that may have restarted empty, each write announces it too.
    private void RecordRoom(IDatabase db, RedisKeys keys, string room)
    {
        redis.RecordServedRoom(db, keys, room, served: true);
        if (!redis.IsAnnounced)
        {
            _ = db.StringSetAsync(keys.Liveness(redis.InstanceId), 1, redis.Options.CrashCleanupTimeout / 2, flags: CommandFlags.FireAndForget);
            _ = db.SortedSetAddAsync(keys.Instances, redis.InstanceId, redis.Now(), CommandFlags.FireAndForget);
        }
    }
}
