using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Platform.Hosting.Orchestration;

public sealed record LogLine(long Sequence, DateTimeOffset Timestamp, string Text, bool IsError);

/// <summary>The console output of each resource instance, kept in a bounded ring so a long run cannot exhaust memory.</summary>
public sealed class ResourceLoggerService
{
    public const int MaxLinesPerResource = 5000;

    private readonly ConcurrentDictionary<string, ResourceLog> _logs = new(StringComparer.OrdinalIgnoreCase);

    public void Write(string instanceName, string text, bool isError) => GetLog(instanceName).Append(text, isError);

    public IReadOnlyList<LogLine> GetLines(string instanceName) => GetLog(instanceName).Snapshot();

    public IAsyncEnumerable<LogLine> WatchAsync(string instanceName, CancellationToken cancellationToken = default) =>
        GetLog(instanceName).WatchAsync(cancellationToken);

    private ResourceLog GetLog(string instanceName) => _logs.GetOrAdd(instanceName, _ => new ResourceLog());

    private sealed class ResourceLog
    {
        private readonly Lock _gate = new();
        private readonly Queue<LogLine> _lines = new();
        private readonly List<Channel<LogLine>> _watchers = [];
        private long _sequence;

        public void Append(string text, bool isError)
        {
            lock (_gate)
            {
                var line = new LogLine(++_sequence, DateTimeOffset.UtcNow, text, isError);
                _lines.Enqueue(line);
                if (_lines.Count > MaxLinesPerResource)
                {
                    _lines.Dequeue();
                }

                foreach (var watcher in _watchers)
                {
                    watcher.Writer.TryWrite(line);
                }
            }
        }

        public IReadOnlyList<LogLine> Snapshot()
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }

        public async IAsyncEnumerable<LogLine> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(MaxLinesPerResource) { FullMode = BoundedChannelFullMode.DropOldest });
            lock (_gate)
            {
                foreach (var line in _lines)
                {
                    channel.Writer.TryWrite(line);
                }

                _watchers.Add(channel);
            }

            try
            {
                await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield return line;
                }
            }
            finally
            {
                lock (_gate)
                {
                    _watchers.Remove(channel);
                }
            }
        }
    }
}
