using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Platform.ServiceDefaults.Resilience;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>Listens to the breaker's counter, only on the meter created by one container's IMeterFactory.</summary>
internal sealed class StateChangeRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Client, string State, long Value)> _changes = new();

    public StateChangeRecorder(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CircuitBreakerTelemetry.MeterName
                && ReferenceEquals(instrument.Meter.Scope, scope)
                && instrument.Name == CircuitBreakerTelemetry.StateChangesInstrumentName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? client = null, state = null;
            foreach (var tag in tags)
            {
                if (tag.Key == CircuitBreakerTelemetry.ClientNameTag) client = tag.Value as string;
                if (tag.Key == CircuitBreakerTelemetry.StateTag) state = tag.Value as string;
            }

            _changes.Enqueue((client!, state!, value));
        });
        _listener.Start();
    }

    public IReadOnlyList<(string Client, string State, long Value)> Changes => [.. _changes];

    public void Dispose() => _listener.Dispose();
}
