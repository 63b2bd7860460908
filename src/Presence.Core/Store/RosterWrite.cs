namespace Presence;

/// <summary>What <see cref="IPresenceRoster.UpdateAsync"/> did.</summary>
public enum RosterWrite
{
    /// <summary>The session owned the participant, and its state was written.</summary>
    Written = 1,

    /// <summary>
    /// Nobody owned the participant any more, or an older session did (the roster lost this one's claim), and the
    /// session claimed it again: the other instances may have been told it left, or heard the older one last, so the
    /// engine announces it again.
    /// </summary>
    Restored = 2,

    /// <summary>A newer session owns the participant: nothing was written, and the connection has been replaced.</summary>
    TakenOver = 3,
}
