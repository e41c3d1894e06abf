using System.Diagnostics;
using System.Globalization;
using Platform.Redis;

// Client side of bench/redis-client.sh: N GETs of one key by C concurrent async callers over ONE RedisConnection,
// each caller awaiting its reply before sending the next (no explicit pipelining), as redis-benchmark's clients do.
var options = ParseArgs(args);
string endPoint = $"127.0.0.1:{options["port"]}";
long requests = long.Parse(options.GetValueOrDefault("requests", "500000"), CultureInfo.InvariantCulture);
int clients = int.Parse(options.GetValueOrDefault("clients", "50"), CultureInfo.InvariantCulture);
string key = options.GetValueOrDefault("key", "key:__rand_int__");
int rounds = int.Parse(options.GetValueOrDefault("rounds", "1"), CultureInfo.InvariantCulture);

using var telemetry = options.GetValueOrDefault("telemetry") == "on" ? Telemetry.Listen() : null;
await using var redis = await RedisConnection.ConnectAsync(endPoint);
var value = await redis.GetAsync(key);
if (value.IsNull)
{
    await redis.SetAsync(key, new string('x', 100));
}

int valueLength = (await redis.GetAsync(key)).ToArray()!.Length;

// warm up: JIT tiering, thread pool, pooled buffers
await RunAsync(redis, key, Math.Min(requests, 200_000), clients);

for (int round = 0; round < rounds; round++)
{
    var (elapsed, gen0) = await RunAsync(redis, key, requests, clients);
    double opsPerSecond = requests / elapsed.TotalSeconds;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"client{(telemetry is null ? "" : " (spans and metrics recorded)")}: {requests} GETs of {valueLength} bytes, {clients} concurrent callers, 1 connection: {elapsed.TotalSeconds:0.000} s, gen0 GCs {gen0}, ops/s={opsPerSecond:0}"));
}

static async Task<(TimeSpan Elapsed, int Gen0)> RunAsync(RedisConnection redis, string key, long requests, int clients)
{
    long remaining = requests;
    int gen0 = GC.CollectionCount(0);
    var watch = Stopwatch.StartNew();
    var workers = new Task[clients];
    for (int i = 0; i < clients; i++)
    {
        workers[i] = Task.Run(async () =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var reply = await redis.GetAsync(key).ConfigureAwait(false);
                if (reply.IsNull)
                {
                    throw new InvalidOperationException("GET returned nil");
                }
            }
        });
    }

    await Task.WhenAll(workers);
    watch.Stop();
    return (watch.Elapsed, GC.CollectionCount(0) - gen0);
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    if (!result.ContainsKey("port"))
    {
        throw new ArgumentException("usage: RedisClientBench --port <port> [--requests N] [--clients C] [--key K] [--rounds R] [--telemetry on]");
    }

    return result;
}

/// <summary>Listens to the client's ActivitySource and Meter as OpenTelemetry would (every span recorded).</summary>
internal sealed class Telemetry : IDisposable
{
    private readonly System.Diagnostics.ActivityListener _activities;
    private readonly System.Diagnostics.Metrics.MeterListener _meters;

    private Telemetry()
    {
        _activities = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == RedisDiagnostics.ActivitySourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(_activities);
        _meters = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == RedisDiagnostics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        _meters.Start();
    }

    public static Telemetry Listen() => new();

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
