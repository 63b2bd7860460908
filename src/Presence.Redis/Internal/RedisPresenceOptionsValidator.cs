using Microsoft.Extensions.Options;

namespace Presence.Redis.Internal;

/// <summary>Checks every <see cref="RedisPresenceOptions"/> rule at once, without reflection.</summary>
[OptionsValidator]
internal sealed partial class RedisPresenceOptionsValidator : IValidateOptions<RedisPresenceOptions>
{
}
