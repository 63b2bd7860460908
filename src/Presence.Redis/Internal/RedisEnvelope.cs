using System.Text;
using System.Text.Json;

namespace Presence.Redis.Internal;

/// <summary>
/// The pub/sub payload, the seed's: <c>{"origin":"&lt;instance id&gt;","event":&lt;server message&gt;}</c>.
/// The event is an ordinary v1 server message, so that instances of the seed's backend and of Presence hear each
/// other. Unknown properties are skipped, so that a newer publisher may add some.
/// </summary>
internal static class RedisEnvelope
{
    private static readonly byte[] OriginProperty = "origin"u8.ToArray();
    private static readonly byte[] EventProperty = "event"u8.ToArray();

    public static byte[] Prefix(string origin) => Encoding.UTF8.GetBytes($"{{\"origin\":\"{origin}\",\"event\":");

    public static byte[] Wrap(byte[] prefix, ReadOnlySpan<byte> message)
    {
        var envelope = new byte[prefix.Length + message.Length + 1];
        prefix.CopyTo(envelope, 0);
        message.CopyTo(envelope.AsSpan(prefix.Length));
        envelope[^1] = (byte)'}';
        return envelope;
    }

    /// <summary>Reads the origin and the event's bytes; false for anything that is not an envelope. Never throws.</summary>
    public static bool TryRead(ReadOnlyMemory<byte> payload, out string? origin, out ReadOnlyMemory<byte> message)
    {
        origin = null;
        message = default;
        try
        {
            var reader = new Utf8JsonReader(payload.Span);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(OriginProperty))
                {
                    reader.Read();
                    origin = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals(EventProperty))
                {
                    reader.Read();
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    message = payload[start..(int)reader.BytesConsumed];
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return !message.IsEmpty && reader.TokenType == JsonTokenType.EndObject && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
