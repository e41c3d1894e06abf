using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Tests.Support;

namespace Platform.ServiceDefaults.Tests.Telemetry;

public sealed class TelemetryRegistrationTests
{
    private static WebApplication Build(string otlpEndpoint)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(ClientContainer.FastRetries);
        builder.Configuration.AddInMemoryCollection([new(OtelKeys.Endpoint, otlpEndpoint)]);
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task Without_an_otlp_endpoint_nothing_is_registered(string endpoint)
    {
        await using var app = Build(endpoint);

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_traces_metrics_and_logs_are_registered()
    {
        await using var app = Build(OtelKeys.UnusedEndpoint);

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<LoggerProvider>());
        Assert.Contains(app.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }
}
