namespace Presence.Internal;

/// <summary>Where a connection is in its participant's life in the roster. It changes under the connection's gate only.</summary>
internal enum RosterState
{
    /// <summary>A member of its room, not claimed in the roster yet.</summary>
    Joining,

    /// <summary>Claimed: the connection writes its participant and will release it.</summary>
    Active,

    /// <summary>A newer connection of the same participant took its place, here or on another instance: it writes nothing more.</summary>
    Superseded,

    /// <summary>Departed: its release is issued, and it writes nothing more.</summary>
    Left,
}
