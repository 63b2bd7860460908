using System.Collections.Concurrent;

namespace Presence.Tests.Engine;

/// <summary>The in-memory store, counting the writes the engine makes.</summary>
internal sealed class CountingStore(IPresenceStore inner) : IPresenceStore
{
    private readonly ConcurrentDictionary<string, int> _upserts = new();

    public string Label => inner.Label;

    public int UpsertsOf(string id) => _upserts.GetValueOrDefault(id);

    public ValueTask<IReadOnlyList<PresenceUser>> SnapshotAsync(string room, CancellationToken cancellationToken = default) => inner.SnapshotAsync(room, cancellationToken);

    public ValueTask UpsertAsync(string room, PresenceUser user, CancellationToken cancellationToken = default)
    {
        _upserts.AddOrUpdate(user.Id, 1, (_, n) => n + 1);
        return inner.UpsertAsync(room, user, cancellationToken);
    }

    public ValueTask<bool> RemoveAsync(string room, string id, CancellationToken cancellationToken = default) => inner.RemoveAsync(room, id, cancellationToken);

    public ValueTask PublishAsync(string room, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => inner.PublishAsync(room, message, cancellationToken);

    public ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default) =>
        inner.SubscribeAsync(room, onMessage, cancellationToken);
}
