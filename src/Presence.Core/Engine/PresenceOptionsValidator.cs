using Microsoft.Extensions.Options;

namespace Presence;

/// <summary>Checks every <see cref="PresenceOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class PresenceOptionsValidator : IValidateOptions<PresenceOptions>
{
}
