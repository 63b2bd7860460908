using System.Text.Json;

namespace Presence.Internal;

/// <summary>Splits a message that may be a v2 batch (a JSON array) into its elements, without decoding them.</summary>
internal static class PresenceBatchReader
{
    /// <summary>
    /// Calls <paramref name="onElement"/> with the payload itself when it is an object, or with each element of an
    /// array; false when the payload is neither (the elements are not checked). Never throws for bad JSON.
    /// </summary>
    public static bool TryForEach<TState>(ReadOnlyMemory<byte> payload, TState state, Action<TState, ReadOnlySpan<byte>> onElement)
    {
        List<Range>? elements = null;
        if (!JsonShape.IsWellFormed(payload.Span))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload.Span);
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                reader.Skip();
                if (reader.Read())
                {
                    return false;
                }

                onElement(state, payload.Span);
                return true;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                return false;
            }

            elements = [];
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                elements.Add(start..(int)reader.BytesConsumed);
            }

            if (reader.Read())
            {
                return false;
            }
        }
        catch (JsonException)
        {
            return false;
        }

        foreach (var range in elements)
        {
            onElement(state, payload.Span[range]);
        }

        return true;
    }
}
