using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Presence.Internal;

namespace Presence;

/// <summary>
/// An application-defined JSON object a participant carries, such as a status, an avatar URL or a selection: the
/// participant's own <see cref="PresenceUser.State"/>, or the server-owned <see cref="PresenceUser.Info"/>. Immutable;
/// two states are equal when their JSON is the same bytes.
/// </summary>
/// <remarks>
/// A state is kept as compact UTF-8 JSON: an object whose top-level keys are distinct, written without escapes, and
/// whose top-level values are not <c>null</c> (a <c>null</c> in an update removes its key). It is at most
/// <see cref="MaxBytes"/> bytes, <see cref="MaxDepth"/> levels deep and <see cref="MaxKeys"/> keys wide; an engine may bound client input tighter
/// (<see cref="PresenceOptions.MaxStateBytes"/>, <see cref="PresenceOptions.MaxStateDepth"/>).
/// </remarks>
public sealed class PresenceState : IEquatable<PresenceState>
{
    /// <summary>The most bytes any state may have, whatever the settings say.</summary>
    public const int MaxBytes = 16 * 1024;

    /// <summary>The deepest any state may nest, whatever the settings say: the object itself is level 1.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// The most top-level keys any state may have. Each key costs its own bookkeeping, so a bound on them keeps a
    /// hostile 16 KiB message of thousands of one-byte keys as cheap to refuse as any other.
    /// </summary>
    public const int MaxKeys = 128;

    private readonly byte[] _json;
    private System.Runtime.CompilerServices.StrongBox<JsonElement>? _root;

    private PresenceState(byte[] json) => _json = json;

    /// <summary>Gets the empty object, <c>{}</c>.</summary>
    public static PresenceState Empty { get; } = new("{}"u8.ToArray());

    /// <summary>Gets the state as compact UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Utf8Json => _json;

    /// <summary>Gets a value telling whether the object has no keys.</summary>
    public bool IsEmpty => _json.Length == 2;

    /// <summary>Gets the state as a JSON object, parsed once on first use.</summary>
    public JsonElement RootElement => (Volatile.Read(ref _root) ?? ParseRoot()).Value;

    /// <summary>Parses a state from JSON text.</summary>
    /// <param name="json">A JSON object.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The text is not an object a state may be.</exception>
    public static PresenceState Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(Encoding.UTF8.GetBytes(json), MaxBytes, MaxDepth, out var state)
            ? state
            : throw new FormatException($"A presence state is a JSON object of at most {MaxBytes} bytes, {MaxDepth} levels and {MaxKeys} distinct unescaped top-level keys.");
    }

    /// <summary>Makes a state of a JSON object, such as one <c>JsonSerializer.SerializeToElement</c> made.</summary>
    /// <param name="element">A JSON object.</param>
    /// <returns>The state.</returns>
    /// <exception cref="FormatException">The element is not an object a state may be.</exception>
    public static PresenceState FromElement(JsonElement element) => Parse(element.GetRawText());

    /// <summary>Parses a state; never throws.</summary>
    /// <param name="utf8Json">A JSON object, in UTF-8.</param>
    /// <param name="maxBytes">The most bytes the compact state may have; at most <see cref="MaxBytes"/>.</param>
    /// <param name="maxDepth">The deepest it may nest; at most <see cref="MaxDepth"/>.</param>
    /// <param name="state">The state, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the input is not such an object.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, int maxBytes, int maxDepth, [NotNullWhen(true)] out PresenceState? state) =>
        TryRead(utf8Json, maxBytes, maxDepth, keepNulls: false, out state);

    /// <summary>
    /// Merges an update into this state, as a client's <c>{"type":"state","set":{…}}</c> does: each top-level key of
    /// <paramref name="update"/> replaces this one's, and a key whose value is <c>null</c> is removed.
    /// </summary>
    /// <param name="update">The keys to set or remove.</param>
    /// <returns>The merged state; it may exceed the bounds of either, which the caller checks.</returns>
    public PresenceState Merge(PresenceState update)
    {
        ArgumentNullException.ThrowIfNull(update);
        // Either may be past the bounds, itself the result of a merge: read them whole.
        TryReadMembers(_json, int.MaxValue, int.MaxValue, out var members);
        TryReadMembers(update._json, int.MaxValue, int.MaxValue, out var changes);

        // By key, so that a merge costs in proportion to the keys, not their square: an update may have thousands.
        var positions = new Dictionary<byte[], int>(members.Count, KeyComparer.Instance);
        for (var i = 0; i < members.Count; i++)
        {
            positions[members[i].Key] = i;
        }

        foreach (var change in changes)
        {
            if (positions.TryGetValue(change.Key, out var index))
            {
                members[index] = change;
            }
            else
            {
                positions[change.Key] = members.Count;
                members.Add(change);
            }
        }

        return Write(members, keepNulls: false);
    }

    /// <summary>
    /// Reads the update half of a <c>state</c> message: like <see cref="TryParse"/>, but a top-level <c>null</c> is kept,
    /// since it means "remove this key".
    /// </summary>
    internal static bool TryParseUpdate(ReadOnlySpan<byte> utf8Json, int maxBytes, int maxDepth, [NotNullWhen(true)] out PresenceState? update) =>
        TryRead(utf8Json, maxBytes, maxDepth, keepNulls: true, out update);

    /// <summary>
    /// Tells whether this state keeps within tighter bounds than the caps it was made under, such as an engine's for
    /// client input; reads it without copying.
    /// </summary>
    internal bool IsWithin(int maxBytes, int maxDepth)
    {
        if (_json.Length > maxBytes)
        {
            return false;
        }

        var reader = new Utf8JsonReader(_json);
        var keys = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth + 1 > maxDepth)
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && ++keys > MaxKeys)
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryRead(ReadOnlySpan<byte> utf8Json, int maxBytes, int maxDepth, bool keepNulls, [NotNullWhen(true)] out PresenceState? state)
    {
        state = null;
        if (!JsonShape.IsWellFormed(utf8Json) || !TryReadMembers(utf8Json, Math.Min(maxDepth, MaxDepth), MaxKeys, out var members))
        {
            return false;
        }

        var read = Write(members, keepNulls);
        if (read._json.Length > Math.Min(maxBytes, MaxBytes))
        {
            return false;
        }

        state = read;
        return true;
    }

    // Two readers may parse it at once; either result is the same, and the first one published wins.
    private System.Runtime.CompilerServices.StrongBox<JsonElement> ParseRoot()
    {
        using var document = JsonDocument.Parse(_json);
        var root = new System.Runtime.CompilerServices.StrongBox<JsonElement>(document.RootElement.Clone());
        return Interlocked.CompareExchange(ref _root, root, null) ?? root;
    }

    /// <summary>Gets the value of a top-level key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">Its value, when the result is <see langword="true"/>.</param>
    /// <returns><see langword="false"/> when the state has no such key.</returns>
    public bool TryGetValue(string key, out JsonElement value) => RootElement.TryGetProperty(key, out value);

    /// <inheritdoc />
    public bool Equals(PresenceState? other) => other is not null && _json.AsSpan().SequenceEqual(other._json);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PresenceState);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_json);
        return hash.ToHashCode();
    }

    /// <summary>Gets the state as JSON text.</summary>
    /// <returns>The compact JSON.</returns>
    public override string ToString() => Encoding.UTF8.GetString(_json);

    // A top-level member: its key as raw UTF-8 (no escapes), its value as compact JSON.
    private readonly record struct Member(byte[] Key, byte[] Value)
    {
        public bool IsNull => Value.AsSpan().SequenceEqual("null"u8);
    }

    // Input is well-formed (JsonShape said so), so the reader cannot throw; the catch stands guard all the same.
    private static bool TryReadMembers(ReadOnlySpan<byte> json, int maxDepth, int maxKeys, out List<Member> members)
    {
        members = [];
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var value = new ArrayBufferWriter<byte>(json.Length);

            // Duplicates are found by hash: a hostile 16 KiB object has a few thousand keys, and comparing each with
            // every other would cost milliseconds of CPU per message.
            var keys = new HashSet<byte[]>(KeyComparer.Instance);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueIsEscaped)
                {
                    return false;
                }

                var key = reader.ValueSpan.ToArray();
                if (keys.Count == maxKeys || !keys.Add(key))
                {
                    return false;
                }

                reader.Read();
                value.ResetWrittenCount();
                if (!TryCopyCompact(ref reader, value, maxDepth))
                {
                    return false;
                }

                members.Add(new Member(key, value.WrittenSpan.ToArray()));
            }

            return reader.TokenType == JsonTokenType.EndObject;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    // Copies one value from the reader as compact JSON, its strings and numbers as they were written; the reader is on
    // the value's first token and ends on its last. Depth counts from the state object, level 1.
    private static bool TryCopyCompact(ref Utf8JsonReader reader, IBufferWriter<byte> output, int maxDepth)
    {
        var startDepth = reader.CurrentDepth;
        var needsComma = false;
        do
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    // The state object is at reader depth 0, so a container at reader depth d is at level d + 1.
                    if (reader.CurrentDepth + 1 > maxDepth)
                    {
                        return false;
                    }

                    Put(output, needsComma ? "," : string.Empty);
                    Put(output, reader.TokenType == JsonTokenType.StartObject ? "{" : "[");
                    needsComma = false;
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    Put(output, reader.TokenType == JsonTokenType.EndObject ? "}" : "]");
                    needsComma = true;
                    break;
                case JsonTokenType.PropertyName:
                    Put(output, needsComma ? ",\"" : "\"");
                    output.Write(reader.ValueSpan);
                    Put(output, "\":");
                    needsComma = false;
                    break;
                case JsonTokenType.String:
                    Put(output, needsComma ? ",\"" : "\"");
                    output.Write(reader.ValueSpan);
                    Put(output, "\"");
                    needsComma = true;
                    break;
                default:
                    Put(output, needsComma ? "," : string.Empty);
                    output.Write(reader.ValueSpan);
                    needsComma = true;
                    break;
            }
        }
        while ((reader.CurrentDepth > startDepth || IsOpen(reader.TokenType)) && reader.Read());

        return true;
    }

    // Keys compare by their bytes; HashCode is seeded per process, so a client cannot choose keys that collide.
    private sealed class KeyComparer : IEqualityComparer<byte[]>
    {
        public static KeyComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] key)
        {
            var hash = default(HashCode);
            hash.AddBytes(key);
            return hash.ToHashCode();
        }
    }

    private static bool IsOpen(JsonTokenType type) => type is JsonTokenType.StartObject or JsonTokenType.StartArray;

    private static void Put(IBufferWriter<byte> output, string ascii)
    {
        if (ascii.Length > 0)
        {
            var span = output.GetSpan(ascii.Length);
            for (var i = 0; i < ascii.Length; i++)
            {
                span[i] = (byte)ascii[i];
            }

            output.Advance(ascii.Length);
        }
    }

    private static PresenceState Write(List<Member> members, bool keepNulls)
    {
        var output = new ArrayBufferWriter<byte>();
        Put(output, "{");
        var first = true;
        foreach (var member in members)
        {
            if (member.IsNull && !keepNulls)
            {
                continue;
            }

            Put(output, first ? "\"" : ",\"");
            output.Write(member.Key);
            Put(output, "\":");
            output.Write(member.Value);
            first = false;
        }

        Put(output, "}");
        return output.WrittenCount == 2 ? Empty : new PresenceState(output.WrittenSpan.ToArray());
    }
}
