using System.ComponentModel.DataAnnotations;

namespace Presence;

/// <summary>Settings of <see cref="InMemoryPresenceRoster"/>, bound from the configuration section <c>Presence:Memory</c>.</summary>
[System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "The Range attributes are read by the source-generated validator alone, which compiles them into a trim-safe copy: no TypeConverter is looked up at run time.")]
public sealed class InMemoryPresenceRosterOptions
{
    /// <summary>Gets or sets how long after its last write a participant is left out of snapshots.</summary>
    /// <value>120 seconds, as in the seed. The engine refreshes connected participants well within it.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(120);
}
