namespace Presence;

/// <summary>
/// One participant as the wire shows it: <c>{"id","name","color","x","y","updatedAt"}</c>.
/// </summary>
/// <param name="Id">The participant's id: 1 to 64 characters of <c>[A-Za-z0-9_-]</c> when it comes from a server.</param>
/// <param name="Name">The display name, at most <see cref="PresenceRules.MaxNameLength"/> UTF-16 code units.</param>
/// <param name="Color">The cursor colour, <c>#rrggbb</c>.</param>
/// <param name="X">The normalised horizontal position, in [0, 1].</param>
/// <param name="Y">The normalised vertical position, in [0, 1].</param>
/// <param name="UpdatedAt">When the participant last changed, in Unix seconds.</param>
public sealed record PresenceUser(string Id, string Name, string Color, double X, double Y, double UpdatedAt);
