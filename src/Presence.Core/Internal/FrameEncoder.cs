using System.Buffers;
using System.Text.Json;

namespace Presence.Internal;

/// <summary>
/// Encodes the engine's outgoing messages once per broadcast into an exact-size array that every recipient shares.
/// A thread's scratch buffer is reused, so one encoding allocates only the array it returns.
/// </summary>
internal static class FrameEncoder
{
    private const int RetainedScratchSize = 16 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    public static byte[] Cursor(ParticipantText text, PresenceUser user) => Encode(
        (text, user),
        static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString(ProtocolNames.Type, ProtocolNames.CursorType);
            writer.WritePropertyName(ProtocolNames.User);
            WriteUser(writer, state.text, state.user, withState: false);
            writer.WriteEndObject();
        });

    public static byte[] Presence(ParticipantText text, PresenceUser user) => Encode(
        (text, user),
        static (writer, state) =>
        {
            writer.WriteStartObject();
            writer.WriteString(ProtocolNames.Type, ProtocolNames.PresenceType);
            writer.WritePropertyName(ProtocolNames.User);
            WriteUser(writer, state.text, state.user, withState: true);
            writer.WriteEndObject();
        });

    public static byte[] Message(ServerMessage message) =>
        Encode(message, static (writer, state) => PresenceProtocol.WriteServerMessage(writer, state));

    private static void WriteUser(Utf8JsonWriter writer, ParticipantText text, PresenceUser user, bool withState)
    {
        writer.WriteStartObject();
        writer.WriteString(ProtocolNames.Id, text.Id);
        writer.WriteString(ProtocolNames.Name, text.Name);
        writer.WriteString(ProtocolNames.Color, text.Color);
        writer.WriteNumber(ProtocolNames.X, user.X);
        writer.WriteNumber(ProtocolNames.Y, user.Y);
        writer.WriteNumber(ProtocolNames.UpdatedAt, user.UpdatedAt);
        if (withState)
        {
            PresenceProtocol.WriteStates(writer, user);
        }

        writer.WriteEndObject();
    }

    private static byte[] Encode<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var scratch = t_scratch ??= new ArrayBufferWriter<byte>(1024);
        var writer = JsonWriterCache.Rent(scratch);
        try
        {
            write(writer, state);
            writer.Flush();
            return scratch.WrittenSpan.ToArray();
        }
        finally
        {
            JsonWriterCache.Return(writer);
            if (scratch.Capacity > RetainedScratchSize)
            {
                // A large snapshot must not pin its buffer to the thread for the life of the process.
                t_scratch = null;
            }
            else
            {
                scratch.ResetWrittenCount();
            }
        }
    }
}
