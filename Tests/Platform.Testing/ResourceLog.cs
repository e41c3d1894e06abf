using Aspire.Hosting.ApplicationModel;

namespace Platform.Testing;

public sealed record ResourceLogLine(long Sequence, string Instance, string Text, bool IsError);

/// <summary>One instance's console lines, numbered on a sequence shared by all instances so "after a mark" reads
/// across them; bounded (oldest lines fall out).</summary>
internal sealed class ResourceLog(string resource, string instanceId)
{
    private const int Capacity = 50_000;
    private static long s_sequence;
    private readonly Queue<ResourceLogLine> _lines = new();

    public static long LastSequence => Interlocked.Read(ref s_sequence);

    public string Resource { get; } = resource;

    public string InstanceId { get; } = instanceId;

    public void Add(IReadOnlyList<LogLine> batch)
    {
        foreach (var line in batch)
        {
            Add(line.Content, line.IsErrorMessage);
        }
    }

    public void Add(string text, bool isError)
    {
        lock (_lines)
        {
            _lines.Enqueue(new ResourceLogLine(Interlocked.Increment(ref s_sequence), InstanceId, text, isError));
            if (_lines.Count > Capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public IReadOnlyList<ResourceLogLine> Since(long sequence)
    {
        lock (_lines)
        {
            return [.. _lines.Where(l => l.Sequence > sequence)];
        }
    }
}
