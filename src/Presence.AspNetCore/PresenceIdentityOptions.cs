using System.ComponentModel.DataAnnotations;
using System.Security.Claims;

namespace Presence.AspNetCore;

/// <summary>
/// Where a signed-in user's participant comes from (configuration section <c>Presence:Identity</c>). When the
/// endpoint's user is authenticated, the participant's id is the user's, and the query's <c>id</c> is ignored: nobody
/// signed in can be anyone else.
/// </summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The Range attributes are read by the source-generated validator alone, which compiles them into a trim-safe copy: no TypeConverter is looked up at run time.")]
public sealed class PresenceIdentityOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Presence:Identity";

    /// <summary>
    /// Gets or sets the claim whose value is the participant id. A value that is not an id (1 to 64 characters of
    /// <c>[A-Za-z0-9_-]</c>, such as an e-mail address) is mapped to one that is: <c>u-</c> and 22 characters of
    /// its SHA-256, the same for the same user on every instance. A signed-in user without it is refused (403).
    /// </summary>
    /// <value><see cref="ClaimTypes.NameIdentifier"/>.</value>
    [Required]
    [MinLength(1)]
    public string IdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>Gets or sets the claim whose value is the display name; without it, the query's <c>name</c> is used.</summary>
    /// <value><see cref="ClaimTypes.Name"/>.</value>
    public string? NameClaimType { get; set; } = ClaimTypes.Name;

    /// <summary>
    /// Gets or sets the claim whose value is the user's avatar URL, such as OpenID Connect's <c>picture</c>. An absolute
    /// <c>http</c> or <c>https</c> URL of at most 512 characters becomes the participant's server-owned
    /// <c>info.avatar</c> (<see cref="PresenceUser.Info"/>), which the client cannot change; any other value is ignored.
    /// </summary>
    /// <value><c>picture</c>.</value>
    public string? AvatarClaimType { get; set; } = "picture";
}
