using Microsoft.Extensions.Logging;
using Presence.Internal;

namespace Presence;

public sealed partial class PresenceEngine
{
    // Event ids are stable once shipped: add new ones at the end.
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Participant {ParticipantId} joined room {Room}.", EventName = "Joined")]
        public static partial void Joined(ILogger logger, string participantId, string room);

        [LoggerMessage(2, LogLevel.Debug, "Participant {ParticipantId} left room {Room} ({CloseStatus}).", EventName = "Left")]
        public static partial void Left(ILogger logger, string participantId, string room, PresenceCloseStatus closeStatus);

        [LoggerMessage(3, LogLevel.Information, "Participant {ParticipantId} reconnected to room {Room}; the older connection is closed.", EventName = "Replaced")]
        public static partial void Replaced(ILogger logger, string participantId, string room);

        [LoggerMessage(4, LogLevel.Debug, "Ignored a message from {ParticipantId}: not a valid client message.", EventName = "MessageIgnored")]
        public static partial void MessageIgnored(ILogger logger, string participantId);

        [LoggerMessage(5, LogLevel.Information, "Closing {ParticipantId}: a message exceeded {MaximumMessageSize} bytes.", EventName = "MessageTooBig")]
        public static partial void MessageTooBig(ILogger logger, string participantId, int maximumMessageSize);

        [LoggerMessage(6, LogLevel.Warning, "Aborting {ParticipantId}: the client reads too slowly ({Failure}).", EventName = "SlowConsumer")]
        public static partial void SlowConsumer(ILogger logger, string participantId, OutboxFailure failure);

        [LoggerMessage(7, LogLevel.Debug, "Sending to {ParticipantId} failed.", EventName = "SendFailed")]
        public static partial void SendFailed(ILogger logger, string participantId, Exception? exception);

        [LoggerMessage(8, LogLevel.Debug, "Receiving from {ParticipantId} failed.", EventName = "ReceiveFailed")]
        public static partial void ReceiveFailed(ILogger logger, string participantId, Exception exception);

        [LoggerMessage(9, LogLevel.Debug, "Closing {ParticipantId} failed; the connection is aborted.", EventName = "CloseFailed")]
        public static partial void CloseFailed(ILogger logger, string participantId, Exception exception);

        [LoggerMessage(10, LogLevel.Warning, "The store failed to {Operation} in room {Room}.", EventName = "StoreFailed")]
        public static partial void StoreFailed(ILogger logger, string operation, string room, Exception exception);

        [LoggerMessage(11, LogLevel.Warning, "Ignored a malformed message from another instance in room {Room}.", EventName = "RemoteMessageIgnored")]
        public static partial void RemoteMessageIgnored(ILogger logger, string room);

        [LoggerMessage(31, LogLevel.Debug, "Another instance announced participant {ParticipantId} in room {Room} as it was before its last change here; this instance announces it again.", EventName = "RemoteEventOlder")]
        public static partial void RemoteEventOlder(ILogger logger, string participantId, string room);

        [LoggerMessage(12, LogLevel.Information, "Refused a connection: the room name is not 1 to 64 characters of [A-Za-z0-9_-].", EventName = "InvalidRoom")]
        public static partial void InvalidRoom(ILogger logger);

        [LoggerMessage(13, LogLevel.Error, "A maintenance pass failed; the next one runs as usual.", EventName = "MaintenanceFailed")]
        public static partial void MaintenanceFailed(ILogger logger, Exception exception);

        [LoggerMessage(14, LogLevel.Error, "A tick listener failed; the tick goes on.", EventName = "TickStartFailed")]
        public static partial void TickStartFailed(ILogger logger, Exception exception);

        [LoggerMessage(15, LogLevel.Error, "A tick failed; the next one runs as usual.", EventName = "TickFailed")]
        public static partial void TickFailed(ILogger logger, Exception exception);

        [LoggerMessage(16, LogLevel.Error, "Sending the tick of room {Room} failed; the other rooms, and this room's next tick, go on.", EventName = "FlushFailed")]
        public static partial void FlushFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(17, LogLevel.Information, "Participant {ParticipantId} in room {Room} reconnected elsewhere; this older connection is closed.", EventName = "TakenOver")]
        public static partial void TakenOver(ILogger logger, string participantId, string room);

        [LoggerMessage(18, LogLevel.Information, "Participant {ParticipantId} in room {Room} was missing from the store and was claimed and announced again.", EventName = "Restored")]
        public static partial void Restored(ILogger logger, string participantId, string room);

        [LoggerMessage(19, LogLevel.Error, "Handling a message from another instance in room {Room} failed.", EventName = "RemoteMessageFailed")]
        public static partial void RemoteMessageFailed(ILogger logger, string room, Exception exception);

        [LoggerMessage(20, LogLevel.Information, "Participants re-announced and clients resynchronised after the store returned.", EventName = "Resynchronized")]
        public static partial void Resynchronized(ILogger logger);

        [LoggerMessage(21, LogLevel.Error, "Resynchronising after the store returned failed.", EventName = "ResynchronizationFailed")]
        public static partial void ResynchronizationFailed(ILogger logger, Exception exception);

        [LoggerMessage(22, LogLevel.Debug, "Aborting {ParticipantId} failed; the connection was torn down already.", EventName = "AbortFailed")]
        public static partial void AbortFailed(ILogger logger, string participantId, Exception exception);

        [LoggerMessage(23, LogLevel.Information, "Refused {ParticipantId} in room {Room}: {Status}.", EventName = "JoinRefused")]
        public static partial void JoinRefused(ILogger logger, string participantId, string room, PresenceCloseStatus status);

        [LoggerMessage(24, LogLevel.Error, "Releasing the held messages of {ParticipantId} failed; the other connections' go on.", EventName = "ReleaseHeldFailed")]
        public static partial void ReleaseHeldFailed(ILogger logger, string participantId, Exception exception);

        [LoggerMessage(26, LogLevel.Information, "{Departed} connections closed and stayed closed; a full collection gives their memory back.", EventName = "MemoryTrimmed")]
        public static partial void MemoryTrimmed(ILogger logger, int departed);

        [LoggerMessage(25, LogLevel.Information, "A connection asked for live participant {ParticipantId} in room {Room} without its resume token; it gets a fresh id.", EventName = "ClaimRefused")]
        public static partial void ClaimRefused(ILogger logger, string participantId, string room);

        [LoggerMessage(27, LogLevel.Debug, "Ignored a state update from {ParticipantId}: {Bytes} bytes, past the state's bounds.", EventName = "StateRefused")]
        public static partial void StateRefused(ILogger logger, string participantId, int bytes);

        [LoggerMessage(28, LogLevel.Information, "Kicked {ParticipantId} from room {Room}.", EventName = "Kicked")]
        public static partial void Kicked(ILogger logger, string participantId, string room);

        [LoggerMessage(29, LogLevel.Debug, "The last connection of {ParticipantId} in room {Room} ended: it stays for the grace period.", EventName = "Lingering")]
        public static partial void Lingering(ILogger logger, string participantId, string room);

        [LoggerMessage(30, LogLevel.Debug, "Another connection of {ParticipantId} joined room {Room}: it follows the participant's first.", EventName = "Following")]
        public static partial void Following(ILogger logger, string participantId, string room);
    }
}
