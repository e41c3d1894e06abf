using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace Platform.Messaging.Tests;

/// <summary>
/// A broker outage degrades a service; it never fails its readiness, which would take every replica out of rotation
/// while the outbox could still take their requests. That holds for a service started during the outage too (a new
/// replica, a restart), whose consumers start by themselves when the broker returns.
/// </summary>
[Collection(MessagingCollection.Name)]
public sealed class BrokerOutageHealthTests(MessagingFixture fixture)
{
    [Fact]
    public async Task While_the_broker_is_down_a_running_service_and_one_started_meanwhile_are_Degraded_and_the_late_one_consumes_once_it_returns()
    {
        var ct = TestContext.Current.CancellationToken;
        await fixture.Servers.StopAsync("messaging", ct);
        IHost? late = null;
        try
        {
            await fixture.Servers.WaitForStoppedAsync("messaging", ct);
            // the running service's bus has noticed: its report is about the outage
            var bus = fixture.Services.GetRequiredService<IBusControl>();
            await OutboxFailureTests.WaitUntilAsync(() => Task.FromResult(bus.CheckHealth().Status != BusHealthStatus.Healthy), TimeSpan.FromSeconds(60));
            AssertDegraded("the running service", await fixture.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct));

            late = await fixture.CreateServiceAsync();
            await late.StartAsync(ct);
            AssertDegraded("a service started during the outage", await late.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct));
        }
        finally
        {
            await fixture.Servers.StartAsync("messaging", ct);
        }

        try
        {
            await fixture.Servers.WaitForHealthyAsync("messaging", TimeSpan.FromSeconds(60), ct);
            // both recover by themselves (the running one too: the tests after this one publish at once)
            foreach (var service in new[] { late.Services, fixture.Services })
            {
                var health = service.GetRequiredService<HealthCheckService>();
                await OutboxFailureTests.WaitUntilAsync(async () => (await health.CheckHealthAsync(ct)).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(150));
            }

            Assert.Equal(BusHealthStatus.Healthy, late.Services.GetRequiredService<IBusControl>().CheckHealth().Status);
        }
        finally
        {
            await late.StopAsync(CancellationToken.None);
            late.Dispose();
        }
    }

    private static void AssertDegraded(string who, HealthReport report) =>
        Assert.True(report.Status == HealthStatus.Degraded,
            $"{who}: {report.Status} ({string.Join("; ", report.Entries.Select(e => $"{e.Key} {e.Value.Status}: {e.Value.Description}"))})");
}
