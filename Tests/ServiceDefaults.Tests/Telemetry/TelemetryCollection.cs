namespace Platform.ServiceDefaults.Tests.Telemetry;

/// <summary>
/// ActivityListeners are process-wide: a TracerProvider built by one test sees the spans of every app in the
/// process. Tests that build providers run one after the other and pick their spans by trace id or path.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}
