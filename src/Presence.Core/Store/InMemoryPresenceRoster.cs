using Microsoft.Extensions.Options;

namespace Presence;

/// <summary>
/// The roster of a single server instance: rooms in process memory, pruned of participants that have not been written
/// for <see cref="InMemoryPresenceRosterOptions.StaleAfter"/>. It announces no departures, since no other instance is
/// there to hear them. Several engines in one process may share it.
/// </summary>
public sealed class InMemoryPresenceRoster : IPresenceRoster, IPresenceRoomListing, IPresenceSharedSecret
{
    // Engines that share this roster (in one process) share the key of their resume tokens too.
    private readonly IReadOnlyList<byte[]> _secrets = [System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)];

    // A room and its emptiness change together under its stripe's lock, so that a write never lands in a room that is
    // being forgotten, and nothing here ever retries.
    private const int StripeCount = 32;

    /// <summary>How many sessions a shared participant holds at most; past it, the oldest is forgotten.</summary>
    internal const int MaxSharedSessions = 64;

    private readonly Stripe[] _stripes = new Stripe[StripeCount];
    private readonly TimeProvider _timeProvider;
    private readonly long _staleTicks;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<byte[]>?> GetSharedSecretsAsync(CancellationToken cancellationToken = default) => new(_secrets);

    /// <summary>Creates a roster with the default settings and the system clock.</summary>
    public InMemoryPresenceRoster()
        : this(Options.Create(new InMemoryPresenceRosterOptions()), TimeProvider.System)
    {
    }

    /// <summary>Creates a roster.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock that decides staleness.</param>
    public InMemoryPresenceRoster(IOptions<InMemoryPresenceRosterOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _staleTicks = (long)(options.Value.StaleAfter.TotalSeconds * timeProvider.TimestampFrequency);
        for (var i = 0; i < StripeCount; i++)
        {
            _stripes[i] = new Stripe();
        }
    }

    /// <inheritdoc />
    public string Label => "memory";

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        var stripe = StripeOf(room);
        var staleBefore = _timeProvider.GetTimestamp() - _staleTicks;
        lock (stripe.Gate)
        {
            if (!stripe.Rooms.TryGetValue(room, out var entries))
            {
                return new([]);
            }

            var users = new List<PresenceUser>(entries.Count);
            List<string>? stale = null;
            foreach (var (id, entry) in entries)
            {
                if (entry.AliveAt < staleBefore)
                {
                    (stale ??= []).Add(id);
                }
                else
                {
                    users.Add(entry.User);
                }
            }

            foreach (var id in stale ?? [])
            {
                entries.Remove(id);
            }

            ForgetIfEmpty(stripe, room, entries);
            return new(users);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PresenceRoomSummary>> ListRoomsAsync(CancellationToken cancellationToken = default)
    {
        var staleBefore = _timeProvider.GetTimestamp() - _staleTicks;
        var rooms = new List<PresenceRoomSummary>();
        foreach (var stripe in _stripes)
        {
            lock (stripe.Gate)
            {
                foreach (var (room, entries) in stripe.Rooms)
                {
                    var live = entries.Values.Count(entry => entry.AliveAt >= staleBefore);
                    if (live > 0)
                    {
                        rooms.Add(new PresenceRoomSummary(room, live));
                    }
                }
            }
        }

        return new(rooms);
    }

    /// <inheritdoc />
    public ValueTask<PresenceUser?> ClaimAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(session);
        var stripe = StripeOf(room);
        lock (stripe.Gate)
        {
            var entries = Entries(stripe, room);
            var now = _timeProvider.GetTimestamp();
            if (mode == RosterSessionMode.Shared && entries.TryGetValue(user.Id, out var current) && current.IsShared)
            {
                entries[user.Id] = current with { Sessions = Joined(current.Sessions, session), AliveAt = now };
                return new(current.User);
            }

            entries[user.Id] = new Entry(user, [session], mode == RosterSessionMode.Shared, now);
            return new((PresenceUser?)null);
        }
    }

    /// <inheritdoc />
    public ValueTask<RosterWrite> UpdateAsync(string room, PresenceUser user, string session, RosterSessionMode mode = RosterSessionMode.Exclusive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(session);
        var stripe = StripeOf(room);
        lock (stripe.Gate)
        {
            var entries = Entries(stripe, room);
            var now = _timeProvider.GetTimestamp();
            if (!entries.TryGetValue(user.Id, out var current))
            {
                entries[user.Id] = new Entry(user, [session], mode == RosterSessionMode.Shared, now);
                return new(RosterWrite.Restored);
            }

            if (Array.IndexOf(current.Sessions, session) >= 0)
            {
                entries[user.Id] = current with { User = user, AliveAt = now };
                return new(RosterWrite.Written);
            }

            if (current.IsShared && mode == RosterSessionMode.Shared)
            {
                // The roster had lost this session (an outage) while others held the participant: nobody missed it.
                entries[user.Id] = current with { User = user, Sessions = Joined(current.Sessions, session), AliveAt = now };
                return new(RosterWrite.Written);
            }

            foreach (var other in current.Sessions)
            {
                if (!Internal.RosterSessions.IsNewer(session, other))
                {
                    return new(RosterWrite.TakenOver);
                }
            }

            entries[user.Id] = new Entry(user, [session], mode == RosterSessionMode.Shared, now);
            return new(RosterWrite.Restored);
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReleaseAsync(string room, string participantId, string session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participantId);
        ArgumentNullException.ThrowIfNull(session);
        var stripe = StripeOf(room);
        lock (stripe.Gate)
        {
            if (!stripe.Rooms.TryGetValue(room, out var entries) || !entries.TryGetValue(participantId, out var current))
            {
                return new(true);
            }

            var index = Array.IndexOf(current.Sessions, session);
            if (index < 0)
            {
                return new(false);
            }

            if (current.Sessions.Length > 1)
            {
                // Another tab holds the participant still: it stays, as it is.
                entries[participantId] = current with { Sessions = [.. current.Sessions[..index], .. current.Sessions[(index + 1)..]] };
                return new(false);
            }

            entries.Remove(participantId);
            ForgetIfEmpty(stripe, room, entries);
            return new(true);
        }
    }

    // The sessions of a shared participant with one more. Each instance holds one per participant, and briefly one
    // more while a departure waits out its grace: past MaxSharedSessions the oldest is forgotten rather than the set
    // growing without bound; should its connection still be there, its next write joins again.
    private static string[] Joined(string[] sessions, string session)
    {
        if (Array.IndexOf(sessions, session) >= 0)
        {
            return sessions;
        }

        return sessions.Length >= MaxSharedSessions ? [.. sessions[1..], session] : [.. sessions, session];
    }

    private static Dictionary<string, Entry> Entries(Stripe stripe, string room)
    {
        if (!stripe.Rooms.TryGetValue(room, out var entries))
        {
            entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
            stripe.Rooms.Add(room, entries);
        }

        return entries;
    }

    private static void ForgetIfEmpty(Stripe stripe, string room, Dictionary<string, Entry> entries)
    {
        if (entries.Count == 0)
        {
            stripe.Rooms.Remove(room);
        }
    }

    private Stripe StripeOf(string room) => _stripes[(StringComparer.Ordinal.GetHashCode(room) & int.MaxValue) % StripeCount];

    // Sessions holds the one owner of an exclusive participant, or every session of a shared one, oldest first.
    private readonly record struct Entry(PresenceUser User, string[] Sessions, bool IsShared, long AliveAt);

    private sealed class Stripe
    {
        public Lock Gate { get; } = new();

        public Dictionary<string, Dictionary<string, Entry>> Rooms { get; } = new(StringComparer.Ordinal);
    }
}
