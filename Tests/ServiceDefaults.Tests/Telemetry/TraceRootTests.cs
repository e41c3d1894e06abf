using System.Diagnostics;
using Microsoft.AspNetCore.Builder;

namespace Platform.ServiceDefaults.Tests.Telemetry;

/// <summary>A trace starts at a unit of work (a request, a message received or published); a background loop's database
/// poll, lock or call outside one makes no trace, while the same steps inside a request are in its trace.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TraceRootTests
{
    private static readonly ActivitySource Background = new("Platform.Tests.Background");

    [Fact]
    public async Task Only_requests_and_messages_start_traces_and_their_steps_are_kept_inside_them()
    {
        var run = Guid.NewGuid().ToString("N");
        var exported = new List<Activity>();
        await using var app = await TelemetryApp.StartAsync("loops-app", app => app.MapGet("/work", () =>
        {
            using (Background.StartActivity($"query in request {run}", ActivityKind.Client))
            {
            }

            using (Background.StartActivity($"lock in request {run}"))
            {
            }

            return Activity.Current!.TraceId.ToHexString();
        }), exported);

        // a loop's poll, its lock and its call, each with no request around it
        foreach (var kind in new[] { ActivityKind.Client, ActivityKind.Internal })
        {
            using var step = Background.StartActivity($"loop {kind} {run}", kind);
            Assert.False(step?.Recorded ?? false, $"a {kind} span with no parent was recorded");
        }

        foreach (var kind in new[] { ActivityKind.Producer, ActivityKind.Consumer })
        {
            using var unit = Background.StartActivity($"message {kind} {run}", kind);
            Assert.True(unit?.Recorded, $"a {kind} span was not recorded");
        }

        string traceId;
        using (var client = TelemetryApp.Caller(app.BaseAddress))
        {
            traceId = await client.GetStringAsync("/work", TestContext.Current.CancellationToken);
        }

        var ours = (await app.StopAndCollectAsync(exported)).Where(s => s.DisplayName.EndsWith(run, StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [$"lock in request {run}", $"message Consumer {run}", $"message Producer {run}", $"query in request {run}"],
            ours.Select(s => s.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(ours.Where(s => s.DisplayName.Contains("in request", StringComparison.Ordinal)), s => Assert.Equal(traceId, s.TraceId.ToHexString()));
    }
}
