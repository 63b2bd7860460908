namespace Presence;

/// <summary>How a connection holds its participant in the roster: alone, or with the participant's other connections.</summary>
public enum RosterSessionMode
{
    /// <summary>
    /// The connection is the participant's only one: a newer claim takes the participant over, and the older
    /// connection is closed as replaced. Anonymous participants hold theirs this way, as in the seed.
    /// </summary>
    Exclusive = 0,

    /// <summary>
    /// The participant may have several connections at once, on any instance (a signed-in user's tabs): a claim adds
    /// its session to the others, and the participant leaves when its last session is released.
    /// </summary>
    Shared = 1,
}
