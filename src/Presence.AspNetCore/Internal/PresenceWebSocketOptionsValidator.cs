using Microsoft.Extensions.Options;

namespace Presence.AspNetCore.Internal;

/// <summary>Checks every <see cref="PresenceWebSocketOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class PresenceWebSocketOptionsValidator : IValidateOptions<PresenceWebSocketOptions>
{
}
