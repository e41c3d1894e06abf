using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>An in-memory span exporter (OpenTelemetry.Exporter.InMemory is not on our mirror).</summary>
internal sealed class RecordingExporter : BaseExporter<Activity>
{
    private readonly ConcurrentQueue<Activity> _spans = new();

    public IReadOnlyList<Activity> Spans => [.. _spans];

    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var activity in batch)
        {
            _spans.Enqueue(activity);
        }

        return ExportResult.Success;
    }
}
