using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.Locking;
using Platform.RateLimiting;
using StackExchange.Redis;

// What remains ours on top of StackExchange.Redis, each against a bare round trip measured in the same run on the same
// connection: the rate limiter's permits/s through its batched leases, and the lock's acquire + release pairs/s.
//   RedisBlocksBench <connections file>   (bench/redis-blocks.sh: the AppHost's Redis, via bench/BenchHost)
// Knobs: CALLERS (concurrent callers, default 50), SECONDS (per measurement, 5), WARMUP (seconds, 10), REPEATS (5).
var connectionString = File.ReadLines(args[0]).Select(l => l.Split('=', 2)).Single(p => p[0] == "cache")[1];
int callers = Knob("CALLERS", 50), seconds = Knob("SECONDS", 5), warmup = Knob("WARMUP", 10), repeats = Knob("REPEATS", 5);
await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
var db = redis.GetDatabase();
await db.StringSetAsync("bench:key", "value");

var limiter = new DistributedRateLimiterFactory(redis, new DistributedRateLimiterOptions
{
    KeyPrefix = "bench:ratelimit",
    PermitLimit = 100_000_000, // far above what one machine can ask: the limiter's cost, not its limit, is measured
    Burst = 100_000_000,
    Window = TimeSpan.FromSeconds(1),
}).CreatePartition("bench");
var locks = new RedisDistributedLockProvider(redis, Options.Create(new DistributedLockOptions { AutoRenew = false }));

var targets = new (string Name, string Unit, Func<int, Task> Operation)[]
{
    ("roundtrip", "GET/s", async _ => await db.StringGetAsync("bench:key")),
    ("limiter", "permits/s", async _ =>
    {
        using var lease = await limiter.AcquireAsync(1);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("the limiter refused a permit far below its limit");
        }
    }),
    ("lock", "acquire+release/s", async caller =>
    {
        await using var handle = await locks.AcquireAsync($"bench:{caller}", TimeSpan.FromSeconds(5));
    }),
};

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, dotnet {Environment.Version}; {callers} callers on one connection, " +
    $"{warmup} s warm-up, {repeats} × {seconds} s per target, median (min–max)");
foreach (var target in targets)
{
    await RunAsync(target.Operation, TimeSpan.FromSeconds(warmup));
}

var medians = new Dictionary<string, double>();
foreach (var (name, unit, operation) in targets)
{
    var rates = new List<double>();
    for (var i = 0; i < repeats; i++)
    {
        rates.Add(await RunAsync(operation, TimeSpan.FromSeconds(seconds)));
    }

    rates.Sort();
    medians[name] = rates[rates.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-10} {medians[name],12:N0} {unit,-18} ({rates[0]:N0}–{rates[^1]:N0})"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lock_vs_roundtrip={medians["lock"] / medians["roundtrip"]:F2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"limiter_vs_roundtrip={medians["limiter"] / medians["roundtrip"]:F2}"));

async Task<double> RunAsync(Func<int, Task> operation, TimeSpan duration)
{
    long done = 0;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
    {
        while (clock.Elapsed < duration)
        {
            await operation(caller);
            Interlocked.Increment(ref done);
        }
    })));
    return done / clock.Elapsed.TotalSeconds;
}

static int Knob(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
