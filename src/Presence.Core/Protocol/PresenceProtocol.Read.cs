using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Presence.Internal;

namespace Presence;

public static partial class PresenceProtocol
{
    /// <summary>Parses a client message; never throws.</summary>
    /// <param name="input">One whole message, in UTF-8.</param>
    /// <param name="message">The message when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the input is not a client message.</returns>
    public static bool TryParseClientMessage(in ReadOnlySequence<byte> input, out ClientMessage message) =>
        input.IsSingleSegment ? TryParseClientMessage(input.FirstSpan, out message) : TryParseClientMessage(input.ToArray(), out message);

    /// <inheritdoc cref="TryParseClientMessage(in ReadOnlySequence{byte}, out ClientMessage)"/>
    public static bool TryParseClientMessage(ReadOnlySpan<byte> input, out ClientMessage message)
    {
        // Malformed input is refused before the reader, which would throw for it: clients send garbage at will.
        if (!JsonShape.IsWellFormed(input))
        {
            message = default;
            return false;
        }

        var reader = new Utf8JsonReader(input);
        return TryReadClientMessage(ref reader, input, out message);
    }

    /// <summary>Parses a server message; never throws.</summary>
    /// <param name="input">One whole message, in UTF-8.</param>
    /// <param name="message">The message when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the input is not a server message.</returns>
    public static bool TryParseServerMessage(in ReadOnlySequence<byte> input, [NotNullWhen(true)] out ServerMessage? message) =>
        input.IsSingleSegment ? TryParseServerMessage(input.FirstSpan, out message) : TryParseServerMessage(input.ToArray(), out message);

    /// <inheritdoc cref="TryParseServerMessage(in ReadOnlySequence{byte}, out ServerMessage)"/>
    public static bool TryParseServerMessage(ReadOnlySpan<byte> input, [NotNullWhen(true)] out ServerMessage? message)
    {
        if (!JsonShape.IsWellFormed(input))
        {
            message = null;
            return false;
        }

        var reader = new Utf8JsonReader(input);
        return TryReadServerMessage(ref reader, input, out message);
    }

    /// <summary>
    /// Parses a server frame of either protocol: a v1 message (one object) or a v2 frame (an array of them). The
    /// frame is refused as a whole when it is neither, or when any element is not a server message.
    /// </summary>
    /// <param name="input">One whole frame, in UTF-8.</param>
    /// <param name="messages">The messages in order, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the input is not a server frame.</returns>
    public static bool TryParseServerFrame(ReadOnlyMemory<byte> input, [NotNullWhen(true)] out IReadOnlyList<ServerMessage>? messages)
    {
        var frame = new FrameParse();
        var framed = PresenceBatchReader.TryForEach(input, frame, static (state, element) =>
        {
            if (TryParseServerMessage(element, out var message))
            {
                state.Messages.Add(message);
            }
            else
            {
                state.Invalid = true;
            }
        });
        messages = framed && !frame.Invalid ? frame.Messages : null;
        return messages is not null;
    }

    private sealed class FrameParse
    {
        public List<ServerMessage> Messages { get; } = [];

        public bool Invalid { get; set; }
    }

    /// <summary>Parses one user object, <c>{"id","name","color","x","y","updatedAt"}</c>, as stores keep it; never throws.</summary>
    /// <param name="input">The JSON object, in UTF-8.</param>
    /// <param name="user">The user when the result is <see langword="true"/>; not yet cleaned.</param>
    /// <returns><see langword="false"/> when the input is not a user object.</returns>
    public static bool TryParseUser(ReadOnlySpan<byte> input, [NotNullWhen(true)] out PresenceUser? user)
    {
        user = null;
        if (!JsonShape.IsWellFormed(input))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(input);
            if (!reader.Read())
            {
                return false;
            }

            user = ReadUser(ref reader, input);
            return user is not null && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            user = null;
            return false;
        }
    }

    private static bool TryReadClientMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> input, out ClientMessage message)
    {
        message = default;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ClientMessageType? type = null;
            string? name = null, color = null;
            double? x = null, y = null;
            PresenceState? set = null, replace = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(ProtocolNames.Type.EncodedUtf8Bytes))
                {
                    reader.Read();
                    type = ReadClientType(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Set.EncodedUtf8Bytes))
                {
                    reader.Read();
                    set = ReadStateOrNull(ref reader, input, update: true);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Replace.EncodedUtf8Bytes))
                {
                    reader.Read();
                    replace = ReadStateOrNull(ref reader, input, update: false);
                }
                else if (reader.ValueTextEquals(ProtocolNames.X.EncodedUtf8Bytes))
                {
                    reader.Read();
                    x = ReadNumberOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Y.EncodedUtf8Bytes))
                {
                    reader.Read();
                    y = ReadNumberOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Name.EncodedUtf8Bytes))
                {
                    reader.Read();
                    name = ReadStringOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Color.EncodedUtf8Bytes))
                {
                    reader.Read();
                    color = ReadStringOrNull(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (!IsEndOfInput(ref reader))
            {
                return false;
            }

            switch (type)
            {
                case ClientMessageType.Hello:
                    message = ClientMessage.Hello(name, color);
                    return true;
                case ClientMessageType.Cursor:
                    message = ClientMessage.Cursor(x, y);
                    return true;
                case ClientMessageType.State when replace is not null:
                    message = ClientMessage.ReplaceState(replace);
                    return true;
                case ClientMessageType.State when set is not null:
                    message = ClientMessage.SetState(set);
                    return true;
                default:
                    return false;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Invalid JSON, invalid UTF-8 inside a string, or nesting past the reader's depth limit.
            return false;
        }
    }

    private static bool TryReadServerMessage(ref Utf8JsonReader reader, ReadOnlySpan<byte> input, [NotNullWhen(true)] out ServerMessage? message)
    {
        message = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ServerMessageType? type = null;
            string? selfId = null, stateStore = null, id = null, resumeToken = null, name = null;
            PresenceState? data = null;
            PresenceUser? user = null;
            List<PresenceUser>? users = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(ProtocolNames.Type.EncodedUtf8Bytes))
                {
                    reader.Read();
                    type = ReadServerType(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.User.EncodedUtf8Bytes))
                {
                    reader.Read();
                    user = ReadUser(ref reader, input);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Users.EncodedUtf8Bytes))
                {
                    reader.Read();
                    users = ReadUsers(ref reader, input);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Name.EncodedUtf8Bytes))
                {
                    reader.Read();
                    name = ReadStringOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Data.EncodedUtf8Bytes))
                {
                    reader.Read();
                    data = ReadStateOrNull(ref reader, input, update: false);
                }
                else if (reader.ValueTextEquals(ProtocolNames.SelfId.EncodedUtf8Bytes))
                {
                    reader.Read();
                    selfId = ReadStringOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.StateStore.EncodedUtf8Bytes))
                {
                    reader.Read();
                    stateStore = ReadStringOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.Id.EncodedUtf8Bytes))
                {
                    reader.Read();
                    id = ReadStringOrNull(ref reader);
                }
                else if (reader.ValueTextEquals(ProtocolNames.ResumeToken.EncodedUtf8Bytes))
                {
                    reader.Read();
                    resumeToken = ReadStringOrNull(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Only the fields a type needs decide its validity; the others are skipped like unknown ones.
            if (!IsEndOfInput(ref reader))
            {
                return false;
            }

            message = type switch
            {
                ServerMessageType.Snapshot when selfId is not null && users is not null && stateStore is not null
                    => new SnapshotMessage(selfId, users, stateStore) { ResumeToken = resumeToken },
                ServerMessageType.Presence when user is not null => new PresenceMessage(user),
                ServerMessageType.Cursor when user is not null => new CursorMessage(user),
                ServerMessageType.Leave when id is not null => new LeaveMessage(id),
                ServerMessageType.Event when name is not null && data is not null => new EventMessage(name, data),
                _ => null,
            };
            return message is not null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    // Reads one user object; the reader is on its StartObject and ends on its EndObject.
    internal static PresenceUser? ReadUser(ref Utf8JsonReader reader, ReadOnlySpan<byte> input)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? id = null, name = null, color = null;
        double? x = null, y = null, updatedAt = null;
        PresenceState? state = null, info = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(ProtocolNames.State.EncodedUtf8Bytes))
            {
                reader.Read();
                state = ReadStateOrNull(ref reader, input, update: false);
            }
            else if (reader.ValueTextEquals(ProtocolNames.Info.EncodedUtf8Bytes))
            {
                reader.Read();
                info = ReadStateOrNull(ref reader, input, update: false);
            }
            else if (reader.ValueTextEquals(ProtocolNames.Id.EncodedUtf8Bytes))
            {
                reader.Read();
                id = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(ProtocolNames.Name.EncodedUtf8Bytes))
            {
                reader.Read();
                name = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(ProtocolNames.Color.EncodedUtf8Bytes))
            {
                reader.Read();
                color = ReadStringOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(ProtocolNames.X.EncodedUtf8Bytes))
            {
                reader.Read();
                x = ReadNumberOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(ProtocolNames.Y.EncodedUtf8Bytes))
            {
                reader.Read();
                y = ReadNumberOrNull(ref reader);
            }
            else if (reader.ValueTextEquals(ProtocolNames.UpdatedAt.EncodedUtf8Bytes))
            {
                reader.Read();
                updatedAt = ReadNumberOrNull(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return id is not null && name is not null && color is not null
            && x is { } xv && double.IsFinite(xv)
            && y is { } yv && double.IsFinite(yv)
            && updatedAt is { } at && double.IsFinite(at)
            ? new PresenceUser(id, name, color, xv, yv, at) { State = state, Info = info }
            : null;
    }

    private static List<PresenceUser>? ReadUsers(ref Utf8JsonReader reader, ReadOnlySpan<byte> input)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var users = new List<PresenceUser>();
        var valid = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var user = ReadUser(ref reader, input);
            if (user is null)
            {
                valid = false;
            }
            else
            {
                users.Add(user);
            }
        }

        return valid ? users : null;
    }

    private static ClientMessageType? ReadClientType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        if (reader.ValueTextEquals(ProtocolNames.CursorType.EncodedUtf8Bytes))
        {
            return ClientMessageType.Cursor;
        }

        if (reader.ValueTextEquals(ProtocolNames.StateType.EncodedUtf8Bytes))
        {
            return ClientMessageType.State;
        }

        return reader.ValueTextEquals(ProtocolNames.HelloType.EncodedUtf8Bytes) ? ClientMessageType.Hello : null;
    }

    private static ServerMessageType? ReadServerType(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        if (reader.ValueTextEquals(ProtocolNames.CursorType.EncodedUtf8Bytes))
        {
            return ServerMessageType.Cursor;
        }

        if (reader.ValueTextEquals(ProtocolNames.PresenceType.EncodedUtf8Bytes))
        {
            return ServerMessageType.Presence;
        }

        if (reader.ValueTextEquals(ProtocolNames.SnapshotType.EncodedUtf8Bytes))
        {
            return ServerMessageType.Snapshot;
        }

        if (reader.ValueTextEquals(ProtocolNames.EventType.EncodedUtf8Bytes))
        {
            return ServerMessageType.Event;
        }

        return reader.ValueTextEquals(ProtocolNames.LeaveType.EncodedUtf8Bytes) ? ServerMessageType.Leave : null;
    }

    // A state object within the message, as its own bytes: one the rules refuse reads as absent. The reader is on the
    // value and ends on its last token.
    private static PresenceState? ReadStateOrNull(ref Utf8JsonReader reader, ReadOnlySpan<byte> input, bool update)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        var value = input[start..(int)reader.BytesConsumed];
        return (update
            ? PresenceState.TryParseUpdate(value, PresenceState.MaxBytes, PresenceState.MaxDepth, out var state)
            : PresenceState.TryParse(value, PresenceState.MaxBytes, PresenceState.MaxDepth, out state)) ? state : null;
    }

    private static string? ReadStringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    // A number that overflows a double reads as an infinity, which the rules then treat as absent.
    private static double? ReadNumberOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDouble(out var value) ? value : null;
        }

        reader.Skip();
        return null;
    }

    // Only white space may follow the object; the reader throws on anything else.
    private static bool IsEndOfInput(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
}
