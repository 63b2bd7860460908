namespace Presence.Internal;

/// <summary>An encoded server message on its way to one connection. The bytes are shared by every recipient.</summary>
/// <param name="Payload">The encoded message.</param>
/// <param name="CursorOwner">
/// For a cursor update, the id of the participant who moved: a newer update of the same participant may replace
/// this one while it waits. <see langword="null"/> for messages that must never be dropped.
/// </param>
internal readonly record struct OutboundFrame(ReadOnlyMemory<byte> Payload, string? CursorOwner = null);
