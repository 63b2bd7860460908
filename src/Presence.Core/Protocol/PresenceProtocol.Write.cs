using System.Buffers;
using System.Text.Json;
using Presence.Internal;

namespace Presence;

public static partial class PresenceProtocol
{
    /// <summary>Writes a client message as one JSON object. Absent fields are left out.</summary>
    /// <param name="message">The message.</param>
    /// <param name="output">Where the UTF-8 bytes go.</param>
    /// <exception cref="ArgumentException">A coordinate is NaN or infinite, which JSON cannot express.</exception>
    public static void WriteClientMessage(in ClientMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Write(output, message, static (writer, message) =>
        {
            writer.WriteStartObject();
            switch (message.Type)
            {
                case ClientMessageType.Hello:
                    writer.WriteString(ProtocolNames.Type, ProtocolNames.HelloType);
                    WriteOptional(writer, ProtocolNames.Name, message.Name);
                    WriteOptional(writer, ProtocolNames.Color, message.Color);
                    break;
                case ClientMessageType.Cursor:
                    writer.WriteString(ProtocolNames.Type, ProtocolNames.CursorType);
                    WriteOptional(writer, ProtocolNames.X, message.X);
                    WriteOptional(writer, ProtocolNames.Y, message.Y);
                    break;
                case ClientMessageType.State:
                    writer.WriteString(ProtocolNames.Type, ProtocolNames.StateType);
                    writer.WritePropertyName(message.ReplacesState ? ProtocolNames.Replace : ProtocolNames.Set);
                    writer.WriteRawValue(message.State!.Utf8Json.Span, skipInputValidation: true);
                    break;
                default:
                    throw new ArgumentException($"Unknown client message type {message.Type}.", nameof(message));
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Writes a server message as one JSON object, its properties in the seed's order.</summary>
    /// <param name="message">The message.</param>
    /// <param name="output">Where the UTF-8 bytes go.</param>
    /// <exception cref="ArgumentException">A coordinate or time is NaN or infinite, which JSON cannot express.</exception>
    public static void WriteServerMessage(ServerMessage message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(output);
        Write(output, message, WriteServerMessage);
    }

    /// <summary>Writes one user object, <c>{"id","name","color","x","y","updatedAt"}</c> and its state and info, as stores keep it.</summary>
    /// <param name="user">The user.</param>
    /// <param name="output">Where the UTF-8 bytes go.</param>
    public static void WriteUser(PresenceUser user, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(output);
        Write(output, user, WriteUser);
    }

    // Writes with the thread's cached writer; what a failed write left pending is discarded, never flushed.
    private static void Write<TState>(IBufferWriter<byte> output, TState state, Action<Utf8JsonWriter, TState> write)
    {
        var writer = JsonWriterCache.Rent(output);
        try
        {
            write(writer, state);
            writer.Flush();
        }
        finally
        {
            JsonWriterCache.Return(writer);
        }
    }

    internal static void WriteServerMessage(Utf8JsonWriter writer, ServerMessage message)
    {
        writer.WriteStartObject();
        switch (message)
        {
            case SnapshotMessage snapshot:
                writer.WriteString(ProtocolNames.Type, ProtocolNames.SnapshotType);
                writer.WriteString(ProtocolNames.SelfId, snapshot.SelfId);
                writer.WritePropertyName(ProtocolNames.Users);
                writer.WriteStartArray();
                foreach (var user in snapshot.Users)
                {
                    WriteUser(writer, user);
                }

                writer.WriteEndArray();
                writer.WriteString(ProtocolNames.StateStore, snapshot.StateStore);
                if (snapshot.ResumeToken is { } token)
                {
                    writer.WriteString(ProtocolNames.ResumeToken, token);
                }

                break;
            case PresenceMessage presence:
                writer.WriteString(ProtocolNames.Type, ProtocolNames.PresenceType);
                writer.WritePropertyName(ProtocolNames.User);
                WriteUser(writer, presence.User);
                break;
            case CursorMessage cursor:
                writer.WriteString(ProtocolNames.Type, ProtocolNames.CursorType);
                writer.WritePropertyName(ProtocolNames.User);
                WriteUser(writer, cursor.User, withState: false);
                break;
            case LeaveMessage leave:
                writer.WriteString(ProtocolNames.Type, ProtocolNames.LeaveType);
                writer.WriteString(ProtocolNames.Id, leave.Id);
                break;
            case EventMessage appEvent:
                writer.WriteString(ProtocolNames.Type, ProtocolNames.EventType);
                writer.WriteString(ProtocolNames.Name, appEvent.Name);
                writer.WritePropertyName(ProtocolNames.Data);
                writer.WriteRawValue(appEvent.Data.Utf8Json.Span, skipInputValidation: true);
                break;
            default:
                throw new ArgumentException($"Unknown server message {message.GetType()}.", nameof(message));
        }

        writer.WriteEndObject();
    }

    internal static void WriteUser(Utf8JsonWriter writer, PresenceUser user) => WriteUser(writer, user, withState: true);

    // A cursor message leaves state and info out: they change rarely, cursors many times a second.
    private static void WriteUser(Utf8JsonWriter writer, PresenceUser user, bool withState)
    {
        writer.WriteStartObject();
        writer.WriteString(ProtocolNames.Id, user.Id);
        writer.WriteString(ProtocolNames.Name, user.Name);
        writer.WriteString(ProtocolNames.Color, user.Color);
        writer.WriteNumber(ProtocolNames.X, user.X);
        writer.WriteNumber(ProtocolNames.Y, user.Y);
        writer.WriteNumber(ProtocolNames.UpdatedAt, user.UpdatedAt);
        if (withState)
        {
            WriteStates(writer, user);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a user's <c>"state"</c> and <c>"info"</c>, each only when it has keys, so that a user without them is the seed's bytes.</summary>
    internal static void WriteStates(Utf8JsonWriter writer, PresenceUser user)
    {
        if (user.State is { IsEmpty: false } state)
        {
            writer.WritePropertyName(ProtocolNames.State);
            writer.WriteRawValue(state.Utf8Json.Span, skipInputValidation: true);
        }

        if (user.Info is { IsEmpty: false } info)
        {
            writer.WritePropertyName(ProtocolNames.Info);
            writer.WriteRawValue(info.Utf8Json.Span, skipInputValidation: true);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, JsonEncodedText name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
