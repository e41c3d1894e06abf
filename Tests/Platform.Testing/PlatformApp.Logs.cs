using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Testing.InMemory;

namespace Platform.Testing;

/// <summary>Every resource's console lines (and an in-memory service's log), kept for the test to read and wait for.</summary>
public sealed partial class PlatformApp
{
    /// <summary>The console lines of a resource (all its instances) after <paramref name="afterSequence"/>, in order.</summary>
    public IReadOnlyList<ResourceLogLine> Logs(string resource, long afterSequence = 0) =>
        [.. _logs.Values.Where(l => l.Resource == resource || l.InstanceId == resource).SelectMany(l => l.Since(afterSequence)).OrderBy(l => l.Sequence)];

    /// <summary>Waits until <paramref name="count"/> console lines of the resource after <paramref name="afterSequence"/>
    /// contain <paramref name="text"/>: a test that must show something did not happen waits for the line saying what
    /// happened instead.</summary>
    public async Task WaitForLogAsync(string resource, string text, long afterSequence, TimeSpan timeout, int count = 1, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Logs(resource, afterSequence).Count(l => l.Text.Contains(text, StringComparison.Ordinal)) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{resource} did not log \"{text}\" {count} time(s) within {timeout}.");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The setting that makes a service log each duplicate delivery its inboxes drop (Debug by default).</summary>
    public static readonly (string Name, string Value) InboxDropsLogged = ($"Logging__LogLevel__{Platform.Messaging.Inbox.InboxLog.Category}", "Debug");

    /// <summary>What a service logs when an inbox drops a duplicate delivery of the message (with <see cref="InboxDropsLogged"/>).</summary>
    public static string InboxDropped(string messageType, Guid messageId) => $"Dropped {messageType} {messageId}:";

    /// <summary>A mark to read <see cref="Logs"/> after: lines already seen stay before it.</summary>
    public long LogMark() => ResourceLog.LastSequence;

    private async Task RecordLogsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in App.ResourceNotifications.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                _instanceIds.GetOrAdd(change.Resource.Name, _ => new()).TryAdd(change.ResourceId, 0);
                if (change.Resource is ParameterResource || !_logs.TryAdd(change.ResourceId, new ResourceLog(change.Resource.Name, change.ResourceId)))
                {
                    continue;
                }

                var log = _logs[change.ResourceId];
                _watchers.Add(Task.Run(async () =>
                {
                    try
                    {
                        await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(change.ResourceId)
                            .WithCancellation(cancellationToken).ConfigureAwait(false))
                        {
                            log.Add(batch);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }, CancellationToken.None));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
