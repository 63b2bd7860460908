using System.Text.Json;

namespace Presence.Internal;

/// <summary>
/// A participant's id, name and colour, JSON-escaped once when they change, so that the hot cursor broadcast
/// copies them instead of escaping them again.
/// </summary>
internal sealed class ParticipantText
{
    public ParticipantText(PresenceUser user)
    {
        Id = JsonEncodedText.Encode(user.Id);
        Name = JsonEncodedText.Encode(user.Name);
        Color = JsonEncodedText.Encode(user.Color);
    }

    public JsonEncodedText Id { get; }

    public JsonEncodedText Name { get; }

    public JsonEncodedText Color { get; }
}
