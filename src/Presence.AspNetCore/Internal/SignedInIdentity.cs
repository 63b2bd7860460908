using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Presence.AspNetCore.Internal;

/// <summary>The participant a signed-in user is: its id from a claim, mapped to a valid id when it is not one.</summary>
internal static class SignedInIdentity
{
    private const string MappedPrefix = "u-";

    /// <summary>Reads the user's participant id and name; false when the user has no usable id claim.</summary>
    public static bool TryRead(ClaimsPrincipal user, PresenceIdentityOptions options, out string id, out string? name)
    {
        id = "";
        name = options.NameClaimType is { } nameClaim ? user.FindFirst(nameClaim)?.Value : null;
        if (user.FindFirst(options.IdClaimType)?.Value is not { Length: > 0 } value)
        {
            return false;
        }

        id = ParticipantIdOf(value);
        return true;
    }

    /// <summary>
    /// The user's id if it is a valid participant id; else a stable one derived from it. A derived id always starts
    /// <c>u-</c> and an id that is valid as it is never changes, so two users never share one (short of SHA-256).
    /// </summary>
    public static string ParticipantIdOf(string userId)
    {
        if (PresenceRules.IsIdentifier(userId) && !userId.StartsWith(MappedPrefix, StringComparison.Ordinal))
        {
            return userId;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(userId), hash);
        return MappedPrefix + Convert.ToBase64String(hash).TrimEnd('=').Replace('+', '-').Replace('/', '_')[..22];
    }
}
