using Presence.Testing;

namespace Presence.Tests.Engine;

/// <summary>
/// A backplane with no other instance behind it, whose next subscription can be held at a gate: a join that waits for
/// its room's subscription for as long as the test needs.
/// </summary>
internal sealed class GatedBackplane : IPresenceBackplane
{
    private TaskCompletionSource? _reached;
    private TaskCompletionSource? _opened;

    /// <summary>Holds the next subscription until <see cref="Open"/>.</summary>
    public Task HoldNextSubscriptionAsync()
    {
        _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _reached.Task.WaitAsync(PresenceTestClient.DefaultTimeout);
    }

    public void Open() => _opened?.TrySetResult();

    public ValueTask PublishAsync(string room, PresenceBatch batch, CancellationToken cancellationToken = default) => default;

    public async ValueTask<IAsyncDisposable> SubscribeAsync(string room, Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _reached, null) is { } reached)
        {
            reached.TrySetResult();
            await _opened!.Task;
        }

        return new Subscription();
    }

    private sealed class Subscription : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => default;
    }
}
