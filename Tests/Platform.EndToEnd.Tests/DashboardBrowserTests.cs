using System.Diagnostics;
using System.Net;
using OpenQA.Selenium;

namespace Platform.EndToEnd.Tests;

/// <summary>The real Aspire dashboard of the running system in headless Chromium: refused without the token, every
/// resource Running and Healthy, a placed order's trace found across the services, a resource stopped and started from
/// its row. Screenshots of each step go to TestResults/screenshots/.</summary>
[Collection(AppHostCollection.Name)]
public sealed class DashboardBrowserTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private DashboardEndpoint Dashboard => fixture.App.Dashboard!;

    [Fact]
    public async Task Without_the_token_the_pages_and_the_telemetry_api_are_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Dashboard.Url };
        foreach (var path in new[] { "/", "/traces", "/consolelogs" })
        {
            using var page = await http.GetAsync(path, ct);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/login", page.Headers.Location?.OriginalString.Replace(Dashboard.Url.ToString(), "/", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        using var api = await http.GetAsync("/api/telemetry/traces", ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);

        using var browser = new Browser();
        browser.GoTo($"{Dashboard.Url}login?t=not-the-token");
        browser.WaitUntil(() => browser.All("#token-text-field").Count == 1, "the token form");
        Assert.Empty(browser.All("tr.resource-row"));
        browser.Screenshot("00-without-token");
    }

    [Fact]
    public async Task Signed_in_a_user_sees_every_resource_healthy_finds_an_orders_trace_and_stops_and_starts_a_resource()
    {
        var ct = TestContext.Current.CancellationToken;
        using var browser = new Browser(crash => output.WriteLine($"{crash}; the dashboard said: {DashboardErrors()}"));
        browser.GoTo($"{Dashboard.Url}login?t={Dashboard.LoginToken}");

        // Resources: one row per instance (children nested under their resource), all Running; an unhealthy one would
        // read "Running (Unhealthy)". The tests before this one stop and kill servers, so first the AppHost itself must
        // see every resource healthy again: then the page has to agree with it.
        await fixture.App.WaitForAllHealthyAsync(TimeSpan.FromSeconds(120), ct);

        // every instance Running, but the bootstrap, which has done its work and exited
        var instances = fixture.App.Resources.Where(r => r.Name != "bootstrap").Sum(r => fixture.App.Instances(r.Name).Count);
        browser.WaitUntil(() => Rows(browser).Count(r => r.State == "Running") == instances && RowState(browser, "bootstrap") == "Finished",
            $"{instances} resources Running and healthy, the bootstrap Finished", seconds: 60,
            seen: () => $"{string.Join(", ", Rows(browser).Where(r => r.State != "Running").Select(r => $"{r.Name}={r.State}"))} of {Rows(browser).Count} rows; the AppHost: {fixture.App.Describe()}; the dashboard said: {DashboardErrors()}");
        var names = browser.All("tr.resource-row span.resource-name-text").Select(e => e.Text).ToList();
        Assert.All(fixture.App.Resources.Where(r => r.Name is not ("catalog" or "gateway")), r => Assert.Contains(r.Name, names));
        Assert.Equal(2, names.Count(n => n.StartsWith("catalog-", StringComparison.Ordinal) && !n.StartsWith("catalog-cache", StringComparison.Ordinal)));
        Assert.Equal(2, names.Count(n => n.StartsWith("gateway-", StringComparison.Ordinal)));
        browser.Screenshot("01-resources");

        // Place an order carrying a trace of our own, then find it among the traces and open it.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using (var order = await fixture.App.CreateUserClientAsync("order", "bob", ct))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { lines = new[] { new { productId = 2, quantity = 1 } } }),
            };
            request.Headers.Add("Idempotency-Key", traceId);
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var response = await order.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        // filtered by its id, as a person looking for one request would: the unfiltered list grows by thousands of
        // background traces a minute here, and pushed the order's off the page before it was seen (a CI-style run)
        browser.GoTo($"{Dashboard.Url}traces?filters={Uri.EscapeDataString($"trace.traceid:equals:{traceId}")}");
        var traceCell = $"td[title*='{traceId}']";
        browser.WaitUntil(() => browser.All(traceCell).Count == 1, "the order's trace listed", seconds: 45);
        browser.Screenshot("02-traces");
        // opened by its address: the live list keeps growing under the pointer (thousands of traces a minute here), so a
        // click on its row lands wherever the list has scrolled to (seen in CI)
        browser.GoTo($"{Dashboard.Url}traces/detail/{traceId}");
        browser.WaitUntil(() => browser.Driver.Url.Contains($"/traces/detail/{traceId}", StringComparison.Ordinal), "the trace's page");

        // The spans arrive as the purchase travels: order, its call to catalog, then payment and notification over RabbitMQ.
        foreach (var service in new[] { "order", "catalog", "payment", "notification" })
        {
            browser.WaitUntil(() =>
            {
                browser.GoTo($"{Dashboard.Url}traces/detail/{traceId}");
                return WaitForSpans(browser).Any(r => r.StartsWith(service, StringComparison.Ordinal));
            }, $"a {service} span in the order's trace", seconds: 60);
        }

        browser.Screenshot("03-trace");

        // Stop and start a resource from its row; the AppHost, not just the page, must see it.
        browser.GoTo(Dashboard.Url.ToString());
        browser.WaitUntil(() => RowState(browser, "notification") == "Running", "notification Running");
        await ClickUntilAsync(browser, "notification", "Stop resource", state => state != KnownResourceStates.Running, ct);
        await fixture.App.WaitForStoppedAsync("notification", ct);
        browser.WaitUntil(() => RowState(browser, "notification") is "Exited" or "Finished", "notification stopped on the page");
        browser.Screenshot("04-resource-stopped");

        await ClickUntilAsync(browser, "notification", "Start resource", state => !KnownResourceStates.TerminalStates.Contains(state), ct);
        await fixture.App.WaitForHealthyAsync("notification", TimeSpan.FromSeconds(90), ct);
        browser.WaitUntil(() => RowState(browser, "notification") == "Running", "notification Running again", seconds: 45);
        browser.Screenshot("05-resource-started");
    }

    /// <summary>What the dashboard itself logged as failing (a crashed page shows only "An unhandled error has occurred").</summary>
    private string DashboardErrors() => string.Join(" | ", fixture.App.Logs("aspire-dashboard")
        .Where(l => l.Text.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Text.Contains("Exception", StringComparison.Ordinal))
        .TakeLast(12).Select(l => l.Text));

    private static List<(string Name, string State)> Rows(Browser browser) =>
        [.. browser.All("tr.resource-row").Select(r => (
            r.FindElements(By.CssSelector("span.resource-name-text")).FirstOrDefault()?.Text ?? "?",
            r.FindElements(By.CssSelector(".state-column-cell > span")).FirstOrDefault()?.Text.Trim() ?? "?"))];

    /// <summary>The resource's row, or null while the grid is (re)rendering.</summary>
    private static IWebElement? Row(Browser browser, string name) =>
        browser.All("tr.resource-row").FirstOrDefault(r => r.FindElements(By.CssSelector("span.resource-name-text")).Any(e => e.Text == name));

    private static string? RowState(Browser browser, string name) =>
        Row(browser, name)?.FindElement(By.CssSelector(".state-column-cell > span")).Text.Trim();

    private static void ClickInRow(Browser browser, string name, string title) => browser.WaitUntil(() =>
    {
        var buttons = Row(browser, name)?.FindElements(By.CssSelector($"fluent-button[title='{title}']")) ?? [];
        if (buttons.Count == 0 || buttons[0].GetAttribute("disabled") is not null)
        {
            return false;
        }

        return browser.TryClick(buttons[0]);
    }, $"{title} on {name}");

    /// <summary>Clicks a command in the resource's row until the AppHost's state of it shows the command took: a click
    /// that lands while the grid re-renders goes to a button about to be replaced, so one click proves nothing.</summary>
    private async Task ClickUntilAsync(Browser browser, string name, string title, Func<string?, bool> took, CancellationToken ct)
    {
        var patience = TimeSpan.FromSeconds(90);
        var clock = Stopwatch.StartNew();
        bool Took() => took(fixture.App.Current(name).Snapshot.State?.Text);
        while (!Took())
        {
            Assert.True(clock.Elapsed < patience, $"{title} on {name}: clicked for {patience}, the AppHost still sees {name} {fixture.App.Current(name).Snapshot.State?.Text}");
            ClickInRow(browser, name, title);
            var clicked = Stopwatch.StartNew();
            while (!Took() && clicked.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(200, ct);
            }
        }
    }

    /// <summary>The resource names of the spans the trace page lists.</summary>
    private static List<string> WaitForSpans(Browser browser)
    {
        var spans = new List<string>();
        browser.WaitUntil(() =>
        {
            spans = [.. browser.All("table.trace-view-grid div.resource-name").Select(e => e.Text.Trim())];
            return spans.Count > 0;
        }, "the trace's spans");
        return spans;
    }
}
