using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Presence.AspNetCore.Internal;

/// <summary>The participant a signed-in user is: its id from a claim, mapped to a valid id when it is not one.</summary>
internal static class SignedInIdentity
{
    private const string MappedPrefix = "u-";
    private const int MaxAvatarLength = 512;

    /// <summary>Reads the user's participant id, name and info; false when the user has no usable id claim.</summary>
    public static bool TryRead(ClaimsPrincipal user, PresenceIdentityOptions options, out string id, out string? name, out PresenceState? info)
    {
        id = "";
        name = options.NameClaimType is { } nameClaim ? user.FindFirst(nameClaim)?.Value : null;
        info = options.AvatarClaimType is { } avatarClaim ? InfoOf(user.FindFirst(avatarClaim)?.Value) : null;
        if (user.FindFirst(options.IdClaimType)?.Value is not { Length: > 0 } value)
        {
            return false;
        }

        id = ParticipantIdOf(value);
        return true;
    }

    // A claim is the app's word, but its value may have come from anyone's profile: only a plain web URL is passed on.
    private static PresenceState? InfoOf(string? avatar)
    {
        if (avatar is not { Length: > 0 and <= MaxAvatarLength }
            || !Uri.TryCreate(avatar, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        var json = new System.Text.Json.Nodes.JsonObject { ["avatar"] = url.AbsoluteUri }.ToJsonString();
        return PresenceState.TryParse(Encoding.UTF8.GetBytes(json), PresenceState.MaxBytes, PresenceState.MaxDepth, out var info) ? info : null;
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
