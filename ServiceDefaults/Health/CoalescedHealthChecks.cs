using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.ServiceDefaults.Health;

/// <summary>
/// Runs the health checks at most once a second per endpoint and gives every probe in between the same report: /health
/// answers anyone who can reach the port (the gateway's is public), and each run pings Redis, PostgreSQL and RabbitMQ,
/// so a flood of probes must not become a flood on the servers (Aspire's health-check docs name this risk). The run is
/// shared, so it is never cancelled by one caller's abort.
/// </summary>
internal sealed class CoalescedHealthChecks(HealthCheckService inner, TimeProvider time) : HealthCheckService
{
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    // one entry per predicate: the endpoints' predicates are fixed delegates; a caller passing a new one each time is
    // not remembered beyond the bound
    private const int MaxPredicates = 8;
    private static readonly object AllChecks = new();
    private readonly ConcurrentDictionary<object, (Task<HealthReport> Report, long At)> _runs = new();

    public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
    {
        var key = (object?)predicate ?? AllChecks;
        var now = time.GetTimestamp();
        if (_runs.TryGetValue(key, out var run) && time.GetElapsedTime(run.At, now) < Fresh)
        {
            return run.Report.WaitAsync(cancellationToken);
        }

        var report = inner.CheckHealthAsync(predicate, CancellationToken.None);
        if (_runs.Count < MaxPredicates || _runs.ContainsKey(key))
        {
            _runs[key] = (report, now);
        }

        return report.WaitAsync(cancellationToken);
    }
}
