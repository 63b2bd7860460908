using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Presence.Internal;

/// <summary>
/// Resume tokens: proof that a client held a participant id on an earlier connection. A token is the time it was
/// issued and an HMAC-SHA256 of the id and that time, under a key every instance shares (the roster's
/// <see cref="IPresenceSharedSecret"/>, or this process's own for a roster that has none); no instance keeps any
/// per-token state. A token is valid for <see cref="Lifetime"/>: each connection gets a fresh one.
/// </summary>
internal sealed class ResumeTokens(IPresenceSharedSecret? shared, TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private const int MacLength = 16;
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    // This process's own key: the only one for a roster without a shared secret, and for tokens issued while the
    // shared one could not be told (they prove a session here, not elsewhere).
    private readonly byte[] _ownKey = RandomNumberGenerator.GetBytes(32);

    private IReadOnlyList<byte[]>? _shared;

    /// <summary>Gets this process's own key.</summary>
    public byte[] OwnKey => _ownKey;

    /// <summary>Gets the key to issue with now: the shared one, as last told, or this process's own.</summary>
    public byte[] CurrentKey => Volatile.Read(ref _shared) is [var current, ..] ? current : _ownKey;

    /// <summary>
    /// Issues a token under <paramref name="key"/>; <paramref name="provisional"/> when it is this process's own key
    /// although a shared one exists (not known yet): such a token proves the session here only.
    /// </summary>
    public string Issue(byte[] key, string id, out bool provisional)
    {
        provisional = shared is not null && ReferenceEquals(key, _ownKey);
        return Issue(key, id);
    }

    /// <summary>Gets the key, waiting for the shared one at most <paramref name="wait"/>; <see langword="null"/> when it is not known.</summary>
    public async ValueTask<byte[]?> GetKeyAsync(TimeSpan wait)
    {
        if (shared is null)
        {
            return _ownKey;
        }

        // The roster keeps the secrets once known, and changes them only to agree with the other instances again.
        try
        {
            var pending = shared.GetSharedSecretsAsync();
            var secrets = pending.IsCompletedSuccessfully ? pending.Result : await pending.AsTask().WaitAsync(wait, timeProvider).ConfigureAwait(false);
            if (secrets is not [{ Length: >= 32 } current, ..])
            {
                return null;
            }

            Volatile.Write(ref _shared, secrets);
            return current;
        }
        catch (Exception)
        {
            // Unreachable or slow: tokens can be neither issued nor checked under the shared secret until it answers.
            return null;
        }
    }

    /// <summary>
    /// Tells whether the token proves a session of <paramref name="id"/> under the shared secrets as the store has them
    /// now: for a token no known key proves, which another instance may have signed with a secret this one has not
    /// heard of yet.
    /// </summary>
    public async ValueTask<bool> VerifyAfterRefreshAsync(string id, string? token, TimeSpan wait)
    {
        if (shared is null || token is not { Length: 32 })
        {
            return false;
        }

        try
        {
            var secrets = await shared.RefreshSharedSecretsAsync().AsTask().WaitAsync(wait, timeProvider).ConfigureAwait(false);
            if (secrets is [{ Length: >= 32 }, ..])
            {
                Volatile.Write(ref _shared, secrets);
            }
        }
        catch (Exception)
        {
            // Unreachable or slow: the keys known already are all there is.
            return false;
        }

        return VerifyAny(id, token);
    }

    /// <summary>Tells whether the token proves a session of <paramref name="id"/> under any key this instance knows.</summary>
    public bool VerifyAny(string id, string? token)
    {
        foreach (var key in Volatile.Read(ref _shared) ?? [])
        {
            if (key.Length >= 32 && Verify(key, id, token))
            {
                return true;
            }
        }

        return Verify(_ownKey, id, token);
    }

    public string Issue(byte[] key, string id)
    {
        Span<byte> token = stackalloc byte[sizeof(long) + MacLength];
        var issued = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        BinaryPrimitives.WriteInt64BigEndian(token, issued);
        Sign(key, id, issued, token[sizeof(long)..]);
        return Convert.ToBase64String(token).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public bool Verify(byte[] key, string id, string? token)
    {
        if (token is null || token.Length != 32)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[sizeof(long) + MacLength];
        var padded = token.Replace('-', '+').Replace('_', '/');
        if (!Convert.TryFromBase64String(padded, bytes, out var written) || written != bytes.Length)
        {
            return false;
        }

        var issued = BinaryPrimitives.ReadInt64BigEndian(bytes);
        var age = timeProvider.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(issued, 0, 253402300799));
        if (age > Lifetime || age < -ClockSkew)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacLength];
        Sign(key, id, issued, expected);
        return CryptographicOperations.FixedTimeEquals(expected, bytes[sizeof(long)..]);
    }

    private static void Sign(byte[] key, string id, long issued, Span<byte> mac)
    {
        var message = Encoding.UTF8.GetBytes($"presence-resume\0{id}\0{issued}");
        Span<byte> full = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, message, full);
        full[..MacLength].CopyTo(mac);
    }
}
