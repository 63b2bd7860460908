using Microsoft.Extensions.Logging;

namespace Presence.Redis.Internal;

internal sealed partial class RedisPresenceStore
{
    // Event ids are stable once shipped: add new ones at the end.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Redis is unavailable ({Reason}); serving local clients only until it returns.", EventName = "Unavailable")]
        public static partial void Unavailable(ILogger logger, string reason);

        [LoggerMessage(2, LogLevel.Information, "Redis is available again; re-registering participants.", EventName = "Restored")]
        public static partial void Restored(ILogger logger);

        [LoggerMessage(3, LogLevel.Warning, "Ignored a malformed {What} in room {Room}; further ones are logged at Debug for 10 s.", EventName = "Malformed")]
        public static partial void Malformed(ILogger logger, string what, string room);

        [LoggerMessage(4, LogLevel.Debug, "Ignored a malformed {What} in room {Room}.", EventName = "MalformedRepeated")]
        public static partial void MalformedRepeated(ILogger logger, string what, string room);

        [LoggerMessage(5, LogLevel.Warning, "Subscribing to or unsubscribing from room {Room} failed; retried when Redis returns.", EventName = "SubscriptionFailed")]
        public static partial void SubscriptionFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(6, LogLevel.Error, "A listener of room {Room} failed.", EventName = "ListenerFailed")]
        public static partial void ListenerFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(7, LogLevel.Debug, "Closing the Redis connection failed.", EventName = "CloseFailed")]
        public static partial void CloseFailed(ILogger logger, Exception exception);
    }
}
