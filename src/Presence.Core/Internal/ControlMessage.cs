using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Presence.Internal;

/// <summary>
/// What one instance asks of the others through a room's channel on behalf of the room API:
/// <c>{"type":"control","op":"kick","id","at"}</c> or <c>{"type":"control","op":"info","id","at","info"}</c>. It rides
/// with the room's events, so that it keeps its place among them, and is never relayed to a client: older instances and
/// clients ignore its type. <c>at</c> is when it was asked, in Unix milliseconds: it concerns the connections opened by
/// then, not one that joined while it was on its way.
/// </summary>
internal static class ControlMessage
{
    // Every control message starts so, as this encoder writes it; anything else on the channel is an event.
    private static ReadOnlySpan<byte> Prefix => "{\"type\":\"control\""u8;

    private static readonly JsonEncodedText Op = JsonEncodedText.Encode("op");
    private static readonly JsonEncodedText KickOp = JsonEncodedText.Encode("kick");
    private static readonly JsonEncodedText InfoOp = JsonEncodedText.Encode("info");
    private static readonly JsonEncodedText ControlType = JsonEncodedText.Encode("control");

    public static bool IsControl(ReadOnlySpan<byte> message) => message.StartsWith(Prefix);

    private static readonly JsonEncodedText At = JsonEncodedText.Encode("at");

    public static byte[] Kick(string id, long at) => Encode(KickOp, id, at, info: null);

    public static byte[] Info(string id, long at, PresenceState? info) => Encode(InfoOp, id, at, info);

    /// <summary>Reads a control message from another process; never throws.</summary>
    /// <remarks>Without a usable <c>at</c>, <paramref name="at"/> is <see cref="long.MaxValue"/>: every connection is concerned.</remarks>
    public static bool TryParse(ReadOnlySpan<byte> message, out ControlOperation operation, [NotNullWhen(true)] out string? id, out long at, out PresenceState? info)
    {
        operation = default;
        id = null;
        info = null;
        at = long.MaxValue;
        if (!JsonShape.IsWellFormed(message))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(message);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            ControlOperation? op = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isOp = reader.ValueTextEquals(Op.EncodedUtf8Bytes);
                var isId = !isOp && reader.ValueTextEquals(ProtocolNames.Id.EncodedUtf8Bytes);
                var isInfo = !isOp && !isId && reader.ValueTextEquals(ProtocolNames.Info.EncodedUtf8Bytes);
                var isAt = !isOp && !isId && !isInfo && reader.ValueTextEquals(At.EncodedUtf8Bytes);
                reader.Read();
                if (isOp && reader.TokenType == JsonTokenType.String)
                {
                    op = reader.ValueTextEquals(KickOp.EncodedUtf8Bytes) ? ControlOperation.Kick
                        : reader.ValueTextEquals(InfoOp.EncodedUtf8Bytes) ? ControlOperation.Info
                        : null;
                }
                else if (isId && reader.TokenType == JsonTokenType.String)
                {
                    id = reader.GetString();
                }
                else if (isAt && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var issued))
                {
                    at = issued;
                }
                else if (isInfo && reader.TokenType == JsonTokenType.StartObject)
                {
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    PresenceState.TryParse(message[start..(int)reader.BytesConsumed], PresenceState.MaxBytes, PresenceState.MaxDepth, out info);
                }
                else
                {
                    reader.Skip();
                }
            }

            operation = op ?? default;
            return op is not null && id is not null && PresenceRules.IsIdentifier(id);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static byte[] Encode(JsonEncodedText op, string id, long at, PresenceState? info)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString(ProtocolNames.Type, ControlType);
            writer.WriteString(Op, op);
            writer.WriteString(ProtocolNames.Id, id);
            writer.WriteNumber(At, at);
            if (info is { IsEmpty: false })
            {
                writer.WritePropertyName(ProtocolNames.Info);
                writer.WriteRawValue(info.Utf8Json.Span, skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
