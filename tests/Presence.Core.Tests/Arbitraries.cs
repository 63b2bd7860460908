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

    public static Gen<PresenceUser> User { get; } =
        from id in Text
        from name in Text
        from color in Text
        from x in Finite
        from y in Finite
        from updatedAt in Finite
        select new PresenceUser(id, name, color, x, y, updatedAt);

    public static Gen<ServerMessage> ServerMessage { get; } = Gen.OneOf(
        from selfId in Text
        from users in User.ListOf()
        from label in Text
        select (Presence.ServerMessage)new SnapshotMessage(selfId, [.. users], label),
        User.Select(u => (Presence.ServerMessage)new PresenceMessage(u)),
        User.Select(u => (Presence.ServerMessage)new CursorMessage(u)),
        Text.Select(id => (Presence.ServerMessage)new LeaveMessage(id)));

    public static Gen<ClientMessage> ClientMessage { get; } = Gen.OneOf(
        from name in Text.OrNull()
        from color in Text.OrNull()
        select Presence.ClientMessage.Hello(name, color),
        from x in Finite.Select(v => (double?)v).Or(Gen.Constant<double?>(null))
        from y in Finite.Select(v => (double?)v).Or(Gen.Constant<double?>(null))
        select Presence.ClientMessage.Cursor(x, y));

    /// <summary>Text built from JSON's own tokens, so that random input reaches deep into the parser.</summary>
    public static Gen<string> JsonLike { get; } = Gen.Elements(
            "{", "}", "[", "]", ",", ":", "\"", "\"type\"", "\"cursor\"", "\"hello\"", "\"snapshot\"", "\"presence\"", "\"leave\"",
            "\"user\"", "\"users\"", "\"id\"", "\"name\"", "\"x\"", "\"y\"", "\"updatedAt\"", "\"selfId\"", "\"stateStore\"",
            "0", "1", "-", ".", "e", "1e400", "0.5", "true", "false", "null", " ", "\\", "\\u", "\\ud800", "\u00e9", "\u0001")
        .ListOf()
        .Select(parts => string.Concat(parts));

    public static Arbitrary<ServerMessage> ServerMessages() => ServerMessage.ToArbitrary();

    public static Arbitrary<ClientMessage> ClientMessages() => ClientMessage.ToArbitrary();

    public static Arbitrary<PresenceUser> Users() => User.ToArbitrary();

    private static string ToValidUtf16(string value) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(value));
}
