namespace Presence;

/// <summary>
/// Implemented by a roster that several instances share, such as one backed by Redis: the secret they all sign resume
/// tokens with, so that a client that reconnects to another instance proves its earlier session there too.
/// </summary>
public interface IPresenceSharedSecret
{
    /// <summary>Gets the shared secret, at least 32 bytes, made by whichever instance asks first.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The secret; <see langword="null"/> while the store cannot tell it (unreachable).</returns>
    ValueTask<byte[]?> GetSharedSecretAsync(CancellationToken cancellationToken = default);
}
