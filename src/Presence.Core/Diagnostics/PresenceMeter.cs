namespace Presence;

/// <summary>
/// The name of the meter whose instruments Presence reports (docs/operations.md lists them, with their tags), for
/// <c>AddMeter(PresenceMeter.Name)</c> in OpenTelemetry or <c>dotnet-counters monitor --counters Presence</c>.
/// </summary>
public static class PresenceMeter
{
    /// <summary>The meter's name: <c>Presence</c>.</summary>
    public const string Name = "Presence";
}
