using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Locking;

/// <summary>Names for OpenTelemetry registration: <c>AddSource(LockingDiagnostics.ActivitySourceName)</c>, <c>AddMeter(LockingDiagnostics.MeterName)</c>.</summary>
public static class LockingDiagnostics
{
    public const string ActivitySourceName = "Platform.Locking";

    public const string MeterName = "Platform.Locking";

    internal static readonly ActivitySource Source = new(ActivitySourceName, "1.0.0");

    internal static readonly Meter Meter = new(MeterName, "1.0.0");

    internal static readonly Counter<long> Acquired = Meter.CreateCounter<long>("platform.lock.acquired", unit: "{lock}", description: "Locks acquired.");

    internal static readonly Counter<long> TimedOut = Meter.CreateCounter<long>("platform.lock.timeouts", unit: "{attempt}", description: "Acquisitions that gave up after their wait timeout.");

    internal static readonly Counter<long> LeasesLost = Meter.CreateCounter<long>("platform.lock.leases_lost", unit: "{lock}", description: "Locks whose lease ran out or was taken over while held.");

    internal static readonly Histogram<double> WaitDuration = Meter.CreateHistogram<double>("platform.lock.wait.duration", unit: "s", description: "Time spent acquiring, successful or not.");
}
