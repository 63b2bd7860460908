using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Presence;

/// <summary>
/// The store of a single server instance: rosters in process memory, pruned of participants that have not been
/// upserted for <see cref="InMemoryPresenceStoreOptions.StaleAfter"/>. With one instance there is nobody to
/// publish to, so <see cref="PublishAsync"/> and <see cref="SubscribeAsync"/> carry nothing.
/// </summary>
public sealed class InMemoryPresenceStore : IPresenceStore
{
    private readonly ConcurrentDictionary<string, RoomEntries> _rooms = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _staleAfter;

    /// <summary>Creates a store with the default settings and the system clock.</summary>
    public InMemoryPresenceStore()
        : this(Options.Create(new InMemoryPresenceStoreOptions()), TimeProvider.System)
    {
    }

    /// <summary>Creates a store.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock that decides staleness.</param>
    public InMemoryPresenceStore(IOptions<InMemoryPresenceStoreOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _staleAfter = options.Value.StaleAfter;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public string Label => "memory";

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        if (!_rooms.TryGetValue(room, out var entries))
        {
            return new([]);
        }

        var staleBefore = _timeProvider.GetTimestamp() - ToTimestampTicks(_staleAfter);
        lock (entries)
        {
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

            RetireIfEmpty(room, entries);
            return new(users);
        }
    }

    /// <inheritdoc />
    public ValueTask UpsertAsync(string room, PresenceUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(user);
        var entry = new Entry(user, _timeProvider.GetTimestamp());
        while (true)
        {
            var entries = _rooms.GetOrAdd(room, static _ => new RoomEntries());
            lock (entries)
            {
                // A room emptied by a concurrent remove was taken out of the map; write into its successor.
                if (entries.Retired)
                {
                    continue;
                }

                entries[user.Id] = entry;
                return default;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(string room, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(id);
        if (_rooms.TryGetValue(room, out var entries))
        {
            lock (entries)
            {
                if (entries.Remove(id))
                {
                    RetireIfEmpty(room, entries);
                }
            }
        }

        // A single instance is never overtaken by another one.
        return new(true);
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(string room, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => default;

    /// <inheritdoc />
    public ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default) =>
        new(NoSubscription.Instance);

    // Called under the room's lock, so that no upsert can slip into a room that is leaving the map.
    private void RetireIfEmpty(string room, RoomEntries entries)
    {
        if (entries.Count == 0 && !entries.Retired)
        {
            entries.Retired = true;
            _rooms.TryRemove(new KeyValuePair<string, RoomEntries>(room, entries));
        }
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _timeProvider.TimestampFrequency);

    private readonly record struct Entry(PresenceUser User, long AliveAt);

    private sealed class RoomEntries() : Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        public bool Retired { get; set; }
    }

    private sealed class NoSubscription : IAsyncDisposable
    {
        public static readonly NoSubscription Instance = new();

        public ValueTask DisposeAsync() => default;
    }
}
