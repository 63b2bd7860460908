namespace Presence.AspNetCore.Internal;

/// <summary>What <see cref="ConnectionInput.TryResumeRead"/> did.</summary>
internal enum ReadResumption
{
    /// <summary>No read was waiting.</summary>
    NotWaiting,

    /// <summary>The read got bytes, or the end of the connection, and its caller went on.</summary>
    Resumed,

    /// <summary>Nothing has arrived: the read still waits.</summary>
    StillWaiting,
}
