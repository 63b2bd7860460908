namespace Presence.Internal;

/// <summary>What a control message asks.</summary>
internal enum ControlOperation
{
    /// <summary>Close the participant's connections here with 4004.</summary>
    Kick = 1,

    /// <summary>Set the participant's info here.</summary>
    Info = 2,
}
