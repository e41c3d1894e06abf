using System.Diagnostics;
using System.Net;
using OpenQA.Selenium;
using Platform.Hosting.Testing;

namespace Platform.Dashboard.Tests;

/// <summary>The dashboard of the real AppHost in headless Chromium: sign in with the printed URL's token, watch
/// every resource run, place an order and open its trace's waterfall across the services, read logs and metrics, stop and start a
/// resource from the page. Screenshots of each page go to TestResults/screenshots/.</summary>
public sealed class DashboardBrowserTests(DashboardAppFixture fixture) : IClassFixture<DashboardAppFixture>
{
    [Fact]
    public async Task A_request_without_the_token_is_refused()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Dashboard.BaseAddress };
        foreach (var path in new[] { "/", "/traces", "/api/resources", "/login?t=not-the-token" })
        {
            using var response = await http.GetAsync(path, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var browser = new Browser();
        browser.GoTo(fixture.Dashboard.BaseAddress.ToString());
        Assert.Contains("login URL", browser.Driver.FindElement(By.TagName("body")).Text, StringComparison.Ordinal);
        browser.Screenshot("00-without-token");
    }

    [Fact]
    public async Task Signed_in_a_user_sees_resources_traces_logs_and_metrics_and_stops_and_starts_a_resource()
    {
        using var browser = new Browser();
        var baseUrl = fixture.Dashboard.BaseAddress.ToString().TrimEnd('/');
        browser.GoTo(fixture.Dashboard.LoginUrl);

        // Resources: every instance the orchestrator knows is listed, and all are Running.
        var instances = fixture.App.ResourceNotifications.Snapshots.Select(s => s.Name).ToList();
        browser.WaitUntil(() => browser.All("#resources tbody tr[data-state='Running']").Count == instances.Count, "every resource Running");
        Assert.Equal(instances, browser.All("#resources tbody tr").Select(r => r.GetAttribute("data-resource")).Order(StringComparer.Ordinal));
        Assert.NotEmpty(browser.All("tr[data-resource='catalog-0'] td.urls a"));
        browser.Screenshot("01-resources");

        // Place an order, carrying our own trace context so its trace is easy to find.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var order = fixture.App.CreateHttpClient("order"))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { buyerId = "dashboard-browser-test", lines = new[] { new { productId = 2, quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", traceId);
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await order.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        browser.GoTo($"{baseUrl}/traces");
        browser.Driver.FindElement(By.Id("text")).SendKeys(traceId);
        browser.WaitUntil(() => browser.All($"tr[data-trace-id='{traceId}'] a.trace-link").Count == 1, "the order's trace listed");
        browser.Screenshot("02-traces");
        browser.Click($"tr[data-trace-id='{traceId}'] a.trace-link", "open the trace");
        Assert.EndsWith($"/traces/{traceId}", browser.Driver.Url, StringComparison.Ordinal);

        // The waterfall fills as the purchase travels: order, its call to catalog, then payment and notification over RabbitMQ.
        foreach (var service in new[] { "order", "catalog", "payment", "notification" })
        {
            browser.WaitUntil(() => browser.All($".span-row[data-service='{service}']").Count > 0, $"the order's waterfall with a {service} span");
        }

        browser.Click(".span-row", "open the first span");
        browser.WaitUntil(() => browser.All(".span-details:not([hidden])").Count == 1, "span details open");
        Assert.Contains("/api/orders", browser.All(".span-details:not([hidden])")[0].Text, StringComparison.Ordinal);
        browser.Screenshot("03-trace-waterfall");

        browser.GoTo($"{baseUrl}/structured");
        browser.WaitUntil(() => browser.All("#logs tbody tr").Count > 0, "structured logs listed");
        browser.Screenshot("04-structured-logs");

        browser.GoTo($"{baseUrl}/console?resource=catalog-0");
        browser.WaitUntil(() => browser.All("#log .line").Count > 0, "console lines of catalog-0");
        browser.Screenshot("05-console");

        browser.GoTo($"{baseUrl}/metrics?source=catalog-0&meter=Microsoft.AspNetCore.Hosting&name=http.server.request.duration");
        browser.WaitUntil(() => browser.All("svg#chart polyline").Count > 0, "a chart of http.server.request.duration");
        browser.Screenshot("06-metrics");

        // Stop and start a resource from its row; the orchestrator, not just the page, must see it.
        browser.GoTo(baseUrl + "/");
        const string Row = "tr[data-resource='notification']";
        browser.WaitUntil(() => browser.All($"{Row}[data-state='Running'] button[data-command='stop']:not([disabled])").Count == 1, "notification can be stopped");
        browser.Click($"{Row} button[data-command='stop']", "Stop");
        browser.WaitUntil(() => browser.All($"{Row}[data-state='Exited']").Count == 1, "notification Exited");
        Assert.Equal(KnownResourceStates.Exited, Snapshot("notification").State);
        browser.Screenshot("07-resource-stopped");

        browser.WaitUntil(() => browser.All($"{Row} button[data-command='start']:not([disabled])").Count == 1, "notification can be started");
        browser.Click($"{Row} button[data-command='start']", "Start");
        browser.WaitUntil(() => browser.All($"{Row}[data-state='Running']").Count == 1, "notification Running again", seconds: 45);
        Assert.Equal(1, Snapshot("notification").Restarts);
        browser.Screenshot("08-resource-started");
    }

    private ResourceSnapshot Snapshot(string name) => fixture.App.ResourceNotifications.Snapshots.Single(s => s.Name == name);
}
