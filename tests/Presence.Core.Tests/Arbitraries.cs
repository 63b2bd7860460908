using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Presence.Tests;

/// <summary>Generators of protocol values for FsCheck properties.</summary>
public static class Arbitraries
{
    /// <summary>Any string that is valid UTF-16, which is all JSON can carry: unpaired surrogates become U+FFFD.</summary>
    public static Gen<string> Text { get; } = ArbMap.Default.GeneratorFor<string>()
        .Select(s => s is null ? string.Empty : ToValidUtf16(s));

    /// <summary>Any finite double, with the edges of the coordinate range and negative zero over-represented.</summary>
    public static Gen<double> Finite { get; } = Gen.Frequency(
        (6, ArbMap.Default.GeneratorFor<double>().Where(double.IsFinite)),
        (2, Gen.Choose(0, 1_000_000).Select(i => i / 1_000_000.0)),
        (1, Gen.Elements(0.0, -0.0, 1.0, double.MaxValue, double.MinValue, double.Epsilon, 1_795_808_508.478)));

    /// <summary>A key of a state object: a few distinct names, so that merges meet the same keys often.</summary>
    public static Gen<string> StateKey { get; } = Gen.Elements("status", "avatar", "selection", "viewport", "k", "\u00e9t\u00e9");

    /// <summary>Any JSON value a state may hold, nested up to <paramref name="depth"/> more levels.</summary>
    public static Gen<string> JsonValue(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Elements("true", "false", "0", "-1.5e3", "12345678901234567890", "\"\"", "\"a\\\"b\"", "\"\\u00e9\""),
            Text.Select(t => System.Text.Json.JsonSerializer.Serialize(t)),
            Finite.Select(d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        if (depth <= 0)
        {
            return scalar;
        }

        return Gen.Frequency(
            (4, scalar),
            (1, Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(JsonValue(depth - 1), n)).Select(items => "[" + string.Join(",", items) + "]")),
            (1, JsonObject(depth - 1, allowNull: true)));
    }

    /// <summary>A JSON object with distinct keys, its values up to <paramref name="depth"/> levels deep, in loose spacing.</summary>
    public static Gen<string> JsonObject(int depth, bool allowNull) =>
        from keys in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(StateKey, n)).Select(k => k.Distinct().ToArray())
        from values in Gen.ArrayOf(allowNull ? Gen.Frequency((5, JsonValue(depth)), (1, Gen.Constant("null"))) : JsonValue(depth), keys.Length)
        from spaced in ArbMap.Default.GeneratorFor<bool>()
        let separator = spaced ? " , " : ","
        select "{" + string.Join(separator, keys.Select((k, i) => $"\"{k}\"{(spaced ? " : " : ":")}{values[i]}")) + "}";

    /// <summary>A state a participant may carry: never empty (the wire cannot tell an empty state from none), or none.</summary>
    public static Gen<PresenceState?> State { get; } = Gen.Frequency(
        (1, Gen.Constant<PresenceState?>(null)),
        (2, JsonObject(3, allowNull: false).Select(json => (PresenceState?)PresenceState.Parse(json)).Where(s => s is { IsEmpty: false })));

    /// <summary>A state update, whose <c>null</c> values remove their keys.</summary>
    public static Gen<PresenceState> StateUpdate { get; } = JsonObject(3, allowNull: true).Select(json =>
        PresenceState.TryParseUpdate(System.Text.Encoding.UTF8.GetBytes(json), PresenceState.MaxBytes, PresenceState.MaxDepth, out var update)
            ? update
            : throw new InvalidOperationException("The generator made an update the codec refuses: " + json));

    /// <summary>A participant with neither state nor info, as a cursor message carries it.</summary>
    public static Gen<PresenceUser> BareUser { get; } =
        from id in Text
        from name in Text
        from color in Text
        from x in Finite
        from y in Finite
        from updatedAt in Finite
        select new PresenceUser(id, name, color, x, y, updatedAt);

    public static Gen<PresenceUser> User { get; } =
        from user in BareUser
        from state in State
        from info in State
        select user with { State = state, Info = info };

    /// <summary>An event's name: what <see cref="PresenceRules"/> allows of an id.</summary>
    public static Gen<string> EventName { get; } =
        Gen.Elements("comment-added", "ping", "a", "A_b-9", new string('x', 64));

    public static Gen<ServerMessage> ServerMessage { get; } = Gen.OneOf(
        from selfId in Text
        from users in User.ListOf()
        from label in Text
        select (Presence.ServerMessage)new SnapshotMessage(selfId, [.. users], label),
        User.Select(u => (Presence.ServerMessage)new PresenceMessage(u)),
        BareUser.Select(u => (Presence.ServerMessage)new CursorMessage(u)),
        Text.Select(id => (Presence.ServerMessage)new LeaveMessage(id)),
        from name in EventName
        from data in State
        select (Presence.ServerMessage)new EventMessage(name, data ?? PresenceState.Empty));

    public static Gen<ClientMessage> ClientMessage { get; } = Gen.OneOf(
        from name in Text.OrNull()
        from color in Text.OrNull()
        select Presence.ClientMessage.Hello(name, color),
        from x in Finite.Select(v => (double?)v).Or(Gen.Constant<double?>(null))
        from y in Finite.Select(v => (double?)v).Or(Gen.Constant<double?>(null))
        select Presence.ClientMessage.Cursor(x, y),
        StateUpdate.Select(Presence.ClientMessage.SetState),
        State.Select(s => Presence.ClientMessage.ReplaceState(s ?? PresenceState.Empty)));

    /// <summary>Text built from JSON's own tokens, so that random input reaches deep into the parser.</summary>
    public static Gen<string> JsonLike { get; } = Gen.Elements(
            "{", "}", "[", "]", ",", ":", "\"", "\"type\"", "\"cursor\"", "\"hello\"", "\"snapshot\"", "\"presence\"", "\"leave\"",
            "\"user\"", "\"users\"", "\"id\"", "\"name\"", "\"x\"", "\"y\"", "\"updatedAt\"", "\"selfId\"", "\"stateStore\"",
            "\"state\"", "\"set\"", "\"replace\"", "\"info\"", "\"event\"", "\"data\"",
            "0", "1", "-", ".", "e", "1e400", "0.5", "true", "false", "null", " ", "\\", "\\u", "\\ud800", "\u00e9", "\u0001")
        .ListOf()
        .Select(parts => string.Concat(parts));

    public static Arbitrary<ServerMessage> ServerMessages() => ServerMessage.ToArbitrary();

    public static Arbitrary<ClientMessage> ClientMessages() => ClientMessage.ToArbitrary();

    public static Arbitrary<PresenceUser> Users() => User.ToArbitrary();

    private static string ToValidUtf16(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));
}
