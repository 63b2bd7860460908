namespace Presence;

/// <summary>
/// Implemented by a roster that several instances share, such as one backed by Redis: the secret they all sign resume
/// tokens with, so that a client that reconnects to another instance proves its earlier session there too.
/// </summary>
public interface IPresenceSharedSecret
{
    /// <summary>
    /// Gets the shared secrets, each at least 32 bytes: the first signs new tokens (made by whichever instance asks
    /// first); the others, secrets some instance signed with before the store lost the first (a restart), are still
    /// accepted.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The secrets, the current one first; <see langword="null"/> while the store cannot tell them (unreachable).</returns>
    ValueTask<IReadOnlyList<byte[]>?> GetSharedSecretsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the shared secrets again from the store, for a token that none of the known ones proves: another instance
    /// may have started signing with one this instance has not heard of (after the store restarted empty while this
    /// one could not reach it). An implementation that caches them should bound how often it reads.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The secrets as the store has them now, the current one first; <see langword="null"/> when it cannot tell.</returns>
    ValueTask<IReadOnlyList<byte[]>?> RefreshSharedSecretsAsync(CancellationToken cancellationToken = default) => GetSharedSecretsAsync(cancellationToken);
}
