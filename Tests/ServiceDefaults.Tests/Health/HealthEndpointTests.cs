using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.ServiceDefaults.Health;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Health;

public sealed class HealthEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<LoopbackApp> StartWithChecks(IReadOnlyDictionary<string, string?>? settings = null) =>
        LoopbackApp.StartAsync("catalog", _ => { }, settings, builder => builder.Services.AddHealthChecks()
            .AddCheck("postgres", () => HealthCheckResult.Unhealthy("Connection refused to 127.0.0.1:5432"), ["ready"])
            .AddCheck("redis", () => HealthCheckResult.Degraded("Slow PING"), ["ready"]));

    [Fact]
    public async Task Health_runs_every_check_and_reports_each_as_json_in_production()
    {
        await using var app = await StartWithChecks();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync("/health", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var root = body.RootElement;
        Assert.Equal("Unhealthy", root.GetProperty("status").GetString());
        Assert.True(TimeSpan.TryParse(root.GetProperty("totalDuration").GetString(), out _));
        var entries = root.GetProperty("entries");
        Assert.Equal(["postgres", "redis", "self"], entries.EnumerateObject().Select(e => e.Name).Order());
        var postgres = entries.GetProperty("postgres");
        Assert.Equal("Unhealthy", postgres.GetProperty("status").GetString());
        Assert.Equal("Connection refused to 127.0.0.1:5432", postgres.GetProperty("description").GetString());
        Assert.True(TimeSpan.TryParse(postgres.GetProperty("duration").GetString(), out _));
        Assert.Equal(["ready"], postgres.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("Degraded", entries.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(["live"], entries.GetProperty("self").GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Alive_runs_only_the_live_checks()
    {
        await using var app = await StartWithChecks();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync("/alive", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var only = Assert.Single(body.RootElement.GetProperty("entries").EnumerateObject());
        Assert.Equal("self", only.Name);
    }

    [Fact]
    public async Task A_flood_of_probes_runs_the_checks_once_a_second_not_once_a_probe()
    {
        var runs = 0;
        await using var app = await LoopbackApp.StartAsync("gateway", _ => { }, null, builder => builder.Services.AddHealthChecks()
            .AddCheck("postgres", () =>
            {
                Interlocked.Increment(ref runs);
                return HealthCheckResult.Healthy();
            }));
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var started = System.Diagnostics.Stopwatch.StartNew();

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.GetAsync("/health", Ct)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var allowed = (int)(started.Elapsed / CoalescedHealthChecks.Fresh) + 1;
        Assert.InRange(runs, 1, allowed);
        Assert.True(allowed < 50, $"the probes took {started.Elapsed}: too slow to show anything");
    }

    [Fact]
    public async Task Probes_within_a_second_share_a_run_and_a_later_one_runs_the_checks_again()
    {
        var inner = new CountingRunner();
        var time = new ManualTimeProvider();
        var checks = new CoalescedHealthChecks(inner, time);

        var first = await checks.CheckHealthAsync(null, Ct);
        Assert.Same(first, await checks.CheckHealthAsync(null, Ct));
        Assert.Equal(1, inner.Runs);
        await checks.CheckHealthAsync(r => r.Tags.Contains("live"), Ct); // another endpoint's predicate: its own run
        Assert.Equal(2, inner.Runs);

        time.Advance(CoalescedHealthChecks.Fresh);
        await checks.CheckHealthAsync(null, Ct);
        Assert.Equal(3, inner.Runs);
    }

    private sealed class CountingRunner : HealthCheckService
    {
        public int Runs { get; private set; }

        public override Task<HealthReport> CheckHealthAsync(Func<HealthCheckRegistration, bool>? predicate, CancellationToken cancellationToken = default)
        {
            Runs++;
            return Task.FromResult(new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task A_setting_turns_the_endpoints_off()
    {
        await using var app = await StartWithChecks(new Dictionary<string, string?> { ["HealthChecks:Enabled"] = "false" });
        using var client = new HttpClient { BaseAddress = app.BaseAddress };

        using var health = await client.GetAsync("/health", Ct);
        using var alive = await client.GetAsync("/alive", Ct);

        Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, alive.StatusCode);
    }
}
