namespace Presence;

/// <summary>
/// One participant as the wire shows it: <c>{"id","name","color","x","y","updatedAt"}</c>, then <c>"state"</c> and
/// <c>"info"</c> when the participant has them.
/// </summary>
/// <param name="Id">The participant's id: 1 to 64 characters of <c>[A-Za-z0-9_-]</c> when it comes from a server.</param>
/// <param name="Name">The display name, at most <see cref="PresenceRules.MaxNameLength"/> UTF-16 code units.</param>
/// <param name="Color">The cursor colour, <c>#rrggbb</c>.</param>
/// <param name="X">The normalised horizontal position, in [0, 1].</param>
/// <param name="Y">The normalised vertical position, in [0, 1].</param>
/// <param name="UpdatedAt">When the participant last changed, in Unix seconds.</param>
public sealed record PresenceUser(string Id, string Name, string Color, double X, double Y, double UpdatedAt)
{
    /// <summary>
    /// Gets the participant's own state: what its client set with <c>{"type":"state"}</c>, such as a status or a
    /// selection. <see langword="null"/> when it has none. A <c>cursor</c> message never carries it.
    /// </summary>
    public PresenceState? State { get; init; }

    /// <summary>
    /// Gets what the server says of the participant, which its client cannot change, such as a role or an avatar from
    /// the user's claims: set by a join hook or the room API. <see langword="null"/> when there is none. A
    /// <c>cursor</c> message never carries it.
    /// </summary>
    public PresenceState? Info { get; init; }
}
