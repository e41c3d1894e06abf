using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Redis.Tests;

/// <summary>Spans and metrics. In their own collection: listeners see every connection's activity in the process.</summary>
[Collection(nameof(TelemetryTests))]
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task One_span_per_command_and_per_batch_with_database_semantic_conventions()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("defaultDatabase=1");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RedisDiagnostics.ActivitySourceName or "test",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == RedisDiagnostics.ActivitySourceName && activity.GetTagItem("server.port") is int port && port == server.Port)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var parent = new ActivitySource("test").StartActivity("request");
        await redis.SetAsync("k", "v");
        await Assert.ThrowsAsync<RedisServerException>(() => redis.LPushAsync("k", "x"));
        var batch = redis.CreateBatch();
        _ = batch.GetAsync("k");
        _ = batch.GetAsync("k");
        await batch.ExecuteAsync();

        var list = spans.ToList();
        Assert.Equal(["SET", "LPUSH", "BATCH"], list.Select(s => s.DisplayName));
        var set = list[0];
        Assert.Equal(ActivityKind.Client, set.Kind);
        Assert.Equal("redis", set.GetTagItem("db.system.name"));
        Assert.Equal("SET", set.GetTagItem("db.operation.name"));
        Assert.Equal("1", set.GetTagItem("db.namespace"));
        Assert.Equal("127.0.0.1", set.GetTagItem("server.address"));
        Assert.Equal(ActivityStatusCode.Unset, set.Status);
        Assert.NotNull(parent);
        Assert.Equal(parent.TraceId, set.TraceId);
        Assert.Equal(parent.SpanId, set.ParentSpanId);

        var failed = list[1];
        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("WRONGTYPE", failed.GetTagItem("error.type"));
        Assert.Equal("WRONGTYPE", failed.GetTagItem("db.response.status_code"));
        Assert.Equal(2, list[2].GetTagItem("db.operation.batch.size"));
        Assert.Same(parent, Activity.Current); // the caller's current activity is left alone
    }

    [Fact]
    public async Task Metrics_count_commands_record_latency_and_report_connection_state()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var durations = new ConcurrentQueue<(double Value, string Operation, string? Error)>();
        long commands = 0;
        var states = new ConcurrentDictionary<string, int>();
        using var meter = new MeterListener();
        meter.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RedisDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var t = Tags(tags);
            if (instrument.Name == "db.client.operation.duration" && t.GetValueOrDefault("server.port") is int port && port == server.Port)
            {
                durations.Enqueue((value, (string)t["db.operation.name"]!, t.GetValueOrDefault("error.type") as string));
            }
        });
        meter.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = Tags(tags);
            if (instrument.Name == "redis.client.commands" && t.GetValueOrDefault("server.port") is int port && port == server.Port)
            {
                Interlocked.Add(ref commands, value);
            }
        });
        meter.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            var t = Tags(tags);
            if (instrument.Name == "redis.client.connection.state" && t.GetValueOrDefault("server.port") is int port && port == server.Port)
            {
                states[(string)t["redis.connection.role"]!] = value;
            }
        });
        meter.Start();

        await redis.SetAsync("k", "v");
        await redis.GetAsync("k");
        await Assert.ThrowsAsync<RedisServerException>(() => redis.IncrAsync("k"));

        Assert.Equal(3, Interlocked.Read(ref commands));
        var recorded = durations.ToList();
        Assert.Equal(["SET", "GET", "INCR"], recorded.Select(d => d.Operation));
        Assert.All(recorded, d => Assert.InRange(d.Value, 0, 5));
        Assert.Equal("ERR", recorded[2].Error);

        meter.RecordObservableInstruments();
        Assert.Equal(1, states["interactive"]);
        server.Kill();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        meter.RecordObservableInstruments();
        Assert.Equal(0, states["interactive"]);
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            result[tag.Key] = tag.Value;
        }

        return result;
    }
}
