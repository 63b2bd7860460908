namespace Presence.Internal;

/// <summary>The resume secret an operator configured (<see cref="PresenceOptions.ResumeSecret"/>): the same on every instance, whatever the store.</summary>
internal sealed class FixedSecret(byte[] secret) : IPresenceSharedSecret
{
    private readonly IReadOnlyList<byte[]> _secrets = [secret];

    /// <summary>The configured secret, or <see langword="null"/> when none (or one too short or not base64) is set.</summary>
    public static FixedSecret? From(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        var bytes = new byte[configured.Length];
        return Convert.TryFromBase64String(configured.Trim(), bytes, out var written) && written >= 32
            ? new FixedSecret(bytes[..written])
            : throw new InvalidOperationException("Presence:ResumeSecret must be base64 of at least 32 bytes.");
    }

    public ValueTask<IReadOnlyList<byte[]>?> GetSharedSecretsAsync(CancellationToken cancellationToken = default) => new(_secrets);
}
