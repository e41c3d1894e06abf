using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Resilience;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Regressions;

/// <summary>What the move onto the libraries broke once, each fixed in ServiceDefaults.</summary>
public sealed class ServiceDefaultsRegressionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_without_any_resilience_settings_starts_and_retries()
    {
        // No HttpClient:Resilience section at all, as in every service's appsettings: the library refuses an empty
        // section, so binding it unconditionally stopped every service at start-up.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.AddServiceDefaults();
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigurePrimaryHttpMessageHandler(() => handler));
        using var host = builder.Build();
        await host.StartAsync(Ct);

        using var response = await host.Client("catalog").GetAsync("http://127.0.0.1:1/items", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task Adding_the_defaults_twice_registers_them_once()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.AddServiceDefaults();
        builder.AddServiceDefaults();
        using var host = builder.Build();

        await host.StartAsync(Ct); // duplicate health checks would stop it here
        await host.StopAsync(Ct);
    }

    [Fact]
    public async Task A_client_with_its_own_handler_retries_on_the_next_endpoint_not_the_failed_one()
    {
        var handler = new ScriptedHandler().Then(HttpStatusCode.ServiceUnavailable).Otherwise(HttpStatusCode.OK);
        using var host = await ClientContainer.StartAsync(handler, new Dictionary<string, string?>
        {
            ["services:provider:http:0"] = "http://localhost:5001",
            ["services:provider:http:1"] = "http://localhost:5002",
        }, configure: builder => builder.Services.AddHttpClient("ProviderClient").AddOwnResilienceHandler(builder.Configuration));

        using var response = await host.Client("ProviderClient").GetAsync("http://provider/charges", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ports = handler.Requests.Select(r => r.Uri.Port).ToList();
        Assert.Equal(2, ports.Count);
        Assert.NotEqual(ports[0], ports[1]); // resilience outside discovery: each attempt resolves again
    }

    [Fact]
    public void The_telemetry_exporters_clients_have_no_resilience_handler()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")]);
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<System.Net.Http.IHttpMessageHandlerFactory>();

        // a collector that is down must not open the circuit the service's own calls go through
        Assert.DoesNotContain(Chain(factory.CreateHandler("OtlpTraceExporter")), h => h is Microsoft.Extensions.Http.Resilience.ResilienceHandler);
        Assert.Contains(Chain(factory.CreateHandler("catalog")), h => h is Microsoft.Extensions.Http.Resilience.ResilienceHandler);
    }

    private static IEnumerable<HttpMessageHandler> Chain(HttpMessageHandler handler)
    {
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            yield return current;
        }
    }
}
