using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

[Collection(TelemetryCollection.Name)]
public sealed class SamplingTests
{
    [Theory]
    [InlineData("Development", null, 1.0)]
    [InlineData("Production", null, 0.1)]
    [InlineData("Production", "0.5", 0.5)]
    [InlineData("Production", "7", 1.0)]
    public void Production_records_one_trace_in_ten_unless_configured(string environment, string? setting, double expected)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new(Microsoft.Extensions.Hosting.Extensions.TraceSamplingRatioKey, setting)]).Build();
        var host = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment };

        Assert.Equal(expected, Microsoft.Extensions.Hosting.Extensions.TraceSamplingRatio(configuration, host));
    }

    [Fact]
    public async Task A_request_in_a_recorded_trace_is_recorded_even_where_new_traces_are_not()
    {
        var exported = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync("catalog", app => app.MapGet("/ping", () => "pong"), exported,
            settings: new Dictionary<string, string?> { [Microsoft.Extensions.Hosting.Extensions.TraceSamplingRatioKey] = "0" });
        var traceId = ActivityTraceId.CreateRandom();
        using (var client = new HttpClient { BaseAddress = app.BaseAddress })
        {
            for (var i = 0; i < 20; i++)
            {
                (await client.GetAsync("/ping", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            }

            // a caller already in a recorded trace (the client's own span carries it on in traceparent)
            using var caller = new Activity("caller");
            caller.SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            caller.Start();
            (await client.GetAsync("/ping", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            caller.Stop();
        }

        var port = app.BaseAddress.Port;
        var spans = (await app.StopAndCollectAsync(exported))
            .Where(s => s.Kind == ActivityKind.Server && s.GetTagItem("server.port") is int p && p == port).ToList();
        Assert.Equal([traceId], spans.Select(s => s.TraceId));
    }
}
