using Microsoft.Extensions.Options;

namespace Presence;

/// <summary>Checks every <see cref="InMemoryPresenceRosterOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class InMemoryPresenceRosterOptionsValidator : IValidateOptions<InMemoryPresenceRosterOptions>
{
}
