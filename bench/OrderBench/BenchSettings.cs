using System.Globalization;

namespace OrderBench;

/// <summary>What bench/orders.sh hands the load generator: the knobs (environment), and what the bench host printed
/// (endpoints, process ids) and wrote (the databases' connection strings, in a 0600 file).</summary>
public sealed record BenchSettings(
    int Concurrency,
    TimeSpan Warmup,
    TimeSpan Duration,
    int Products,
    TimeSpan OrderTimeout,
    IReadOnlyDictionary<string, Uri> Endpoints,
    IReadOnlyDictionary<string, int[]> ProcessIds,
    IReadOnlyDictionary<string, string> ConnectionStrings)
{
    public static BenchSettings Load(string hostLog, string connectionsFile)
    {
        var endpoints = new Dictionary<string, Uri>();
        var pids = new Dictionary<string, int[]>();
        foreach (var line in File.ReadLines(hostLog))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["endpoint", var name, var url])
            {
                endpoints[name] = new Uri(url);
            }
            else if (parts is ["pids", var instance, var list])
            {
                pids[instance] = [.. list.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
            }
        }

        var connections = File.ReadLines(connectionsFile)
            .Select(l => l.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);

        return new BenchSettings(
            Concurrency: Knob("CONCURRENCY", 32),
            Warmup: TimeSpan.FromSeconds(Knob("WARMUP", 60)),
            Duration: TimeSpan.FromSeconds(Knob("DURATION", 20)),
            Products: Knob("PRODUCTS", 4),
            OrderTimeout: TimeSpan.FromSeconds(Knob("ORDER_TIMEOUT", 60)),
            endpoints,
            pids,
            connections);
    }

    private static int Knob(string name, int fallback)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new ArgumentException($"{name} must be a positive integer, not '{value}'.");
    }
}
