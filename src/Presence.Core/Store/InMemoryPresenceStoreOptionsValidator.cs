using Microsoft.Extensions.Options;

namespace Presence;

/// <summary>Checks every <see cref="InMemoryPresenceStoreOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class InMemoryPresenceStoreOptionsValidator : IValidateOptions<InMemoryPresenceStoreOptions>
{
}
