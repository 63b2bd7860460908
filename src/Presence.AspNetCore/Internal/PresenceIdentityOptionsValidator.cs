using Microsoft.Extensions.Options;

namespace Presence.AspNetCore.Internal;

/// <summary>Checks every <see cref="PresenceIdentityOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class PresenceIdentityOptionsValidator : IValidateOptions<PresenceIdentityOptions>
{
}
