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
}
