using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Redis.Internal;

namespace Platform.Redis;

/// <summary>
/// Names of the client's <see cref="ActivitySource"/> and <see cref="Meter"/>, for OpenTelemetry registration
/// (<c>AddSource(RedisDiagnostics.ActivitySourceName)</c>, <c>AddMeter(RedisDiagnostics.MeterName)</c>).
/// </summary>
public static class RedisDiagnostics
{
    public const string ActivitySourceName = "Platform.Redis";

    public const string MeterName = "Platform.Redis";
}

/// <summary>Spans and instruments. Everything here is skipped on the hot path when nobody listens.</summary>
internal static class Telemetry
{
    public static readonly ActivitySource Source = new(RedisDiagnostics.ActivitySourceName, "1.0.0");

    public static readonly Meter Meter = new(RedisDiagnostics.MeterName, "1.0.0");

    /// <summary>OpenTelemetry database semantic conventions: operation duration in seconds.</summary>
    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        "db.client.operation.duration",
        unit: "s",
        description: "Duration of Redis commands and batches, from submission to reply.",
        tags: null,
        advice: new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 10],
        });

    public static readonly Counter<long> Commands = Meter.CreateCounter<long>(
        "redis.client.commands", unit: "{command}", description: "Commands completed (with error.type set on failure).");

    public static readonly Counter<long> Timeouts = Meter.CreateCounter<long>(
        "redis.client.timeouts", unit: "{command}", description: "Commands that failed with RedisTimeoutException.");

    public static readonly Counter<long> Reconnects = Meter.CreateCounter<long>(
        "redis.client.reconnects", unit: "{reconnect}", description: "Successful reconnections after a lost connection.");

    private static readonly List<WeakReference<RedisConnection>> Connections = [];

    static Telemetry()
    {
        Meter.CreateObservableGauge(
            "redis.client.connection.state",
            ObserveState,
            unit: "{state}",
            description: "1 while the connection is up and ready, 0 otherwise; tagged with redis.connection.role.");
        Meter.CreateObservableUpDownCounter(
            "redis.client.commands.pending",
            ObservePending,
            unit: "{command}",
            description: "Commands waiting to be written or for their reply.");
    }

    public static bool IsEnabled => Source.HasListeners() || OperationDuration.Enabled || Commands.Enabled;

    public static void Register(RedisConnection connection)
    {
        lock (Connections)
        {
            Connections.RemoveAll(w => !w.TryGetTarget(out _));
            Connections.Add(new WeakReference<RedisConnection>(connection));
        }
    }

    public static void Unregister(RedisConnection connection)
    {
        lock (Connections)
        {
            Connections.RemoveAll(w => !w.TryGetTarget(out var c) || ReferenceEquals(c, connection));
        }
    }

    private static List<RedisConnection> Live()
    {
        lock (Connections)
        {
            var list = new List<RedisConnection>(Connections.Count);
            foreach (var weak in Connections)
            {
                if (weak.TryGetTarget(out var c))
                {
                    list.Add(c);
                }
            }

            return list;
        }
    }

    private static IEnumerable<Measurement<int>> ObserveState()
    {
        foreach (var connection in Live())
        {
            foreach (var bridge in connection.Bridges)
            {
                yield return new Measurement<int>(
                    bridge.State == RedisConnectionState.Connected ? 1 : 0,
                    BaseTags(connection.Options, bridge.Role));
            }
        }
    }

    private static IEnumerable<Measurement<long>> ObservePending()
    {
        foreach (var connection in Live())
        {
            foreach (var bridge in connection.Bridges)
            {
                yield return new Measurement<long>(bridge.PendingCount, BaseTags(connection.Options, bridge.Role));
            }
        }
    }

    private static TagList BaseTags(RedisOptions options, string role) => new()
    {
        { "db.system.name", "redis" },
        { "server.address", options.Host },
        { "server.port", options.Port },
        { "redis.connection.role", role },
    };

    public static Activity? StartActivity(string operation, RedisOptions options, int batchSize = 0)
    {
        var activity = Source.StartActivity(operation, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("db.system.name", "redis");
            activity.SetTag("db.system", "redis"); // pre-1.30 semantic conventions, still read by many backends
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("db.namespace", options.DefaultDatabase.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity.SetTag("server.address", options.Host);
            activity.SetTag("server.port", options.Port);
            if (batchSize > 0)
            {
                activity.SetTag("db.operation.batch.size", batchSize);
            }
        }

        return activity;
    }

    public static void RecordOperation(string operation, RedisOptions options, long startTimestamp, Exception? error, Activity? activity)
    {
        string? errorType = error switch
        {
            null => null,
            RedisServerException server => server.ErrorCode,
            _ => error.GetType().Name,
        };

        if (activity is not null && error is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
            activity.SetTag("error.type", errorType);
            if (error is RedisServerException server)
            {
                activity.SetTag("db.response.status_code", server.ErrorCode);
            }
        }

        if (error is RedisTimeoutException && Timeouts.Enabled)
        {
            Timeouts.Add(1, new KeyValuePair<string, object?>("db.operation.name", operation));
        }

        if (!OperationDuration.Enabled && !Commands.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "db.system.name", "redis" },
            { "db.operation.name", operation },
            { "server.address", options.Host },
            { "server.port", options.Port },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        if (OperationDuration.Enabled)
        {
            OperationDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }

        if (Commands.Enabled)
        {
            Commands.Add(1, tags);
        }
    }

    public static void RecordReconnect(RedisOptions options, string role)
    {
        if (Reconnects.Enabled)
        {
            Reconnects.Add(1, BaseTags(options, role));
        }
    }
}
