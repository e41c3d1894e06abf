using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Dashboard.Api;
using Platform.Hosting.Dashboard.Otlp;

namespace Platform.Hosting.Dashboard;

/// <summary>The dashboard's own Kestrel server, started before the resources: pages and their JSON API on
/// <see cref="DashboardSettings.Port"/> (behind the browser token), the OTLP/HTTP receiver on
/// <see cref="DashboardSettings.OtlpPort"/> and OTLP/gRPC on <see cref="DashboardSettings.OtlpGrpcPort"/> (loopback
/// only, no token: the services must reach them).</summary>
public sealed class DashboardServer(
    DashboardSettings settings,
    IServiceProvider services,
    IConfiguration configuration,
    ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Platform.Hosting.Dashboard");
    private WebApplication? _app;

    public DashboardSettings Settings => settings;

    /// <summary>The URL to open, with this run's browser token in it.</summary>
    public string LoginUrl => settings.LoginUrl;

    public Uri BaseAddress => new(settings.BaseUrl);

    public string OtlpEndpointUrl => settings.OtlpEndpointUrl;

    public string OtlpGrpcEndpointUrl => settings.OtlpGrpcEndpointUrl;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(DashboardServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(settings.ListenAddress, settings.Port);
            // Telemetry comes only from processes on this machine, whatever address the pages are served on.
            kestrel.Listen(System.Net.IPAddress.Loopback, settings.OtlpPort);
            kestrel.Listen(System.Net.IPAddress.Loopback, settings.OtlpGrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = OtlpHttpReceiver.MaxBodyBytes;
        });

        builder.Services.AddGrpc();
        builder.Services.AddSingleton(services.GetRequiredService<OtlpIngestion>());

        var app = builder.Build();
        var receiver = services.GetRequiredService<OtlpHttpReceiver>();
        app.MapWhen(context => context.Connection.LocalPort == settings.OtlpPort, otlp => otlp.Run(receiver.HandleAsync));
        var auth = new DashboardAuth(settings.BrowserToken);
        // The gRPC port serves the collector services and nothing else, without the browser token.
        app.Use((context, next) => context.Connection.LocalPort != settings.OtlpGrpcPort ? auth.InvokeAsync(context, next)
            : context.Request.Path.Value?.StartsWith("/opentelemetry.proto.collector.", StringComparison.Ordinal) == true ? next(context)
            : NotFound(context));
        var grpcHost = $"*:{settings.OtlpGrpcPort}";
        app.MapGrpcService<OtlpGrpcTraceService>().RequireHost(grpcHost);
        app.MapGrpcService<OtlpGrpcLogsService>().RequireHost(grpcHost);
        app.MapGrpcService<OtlpGrpcMetricsService>().RequireHost(grpcHost);
        DashboardApi.Map(app, services, app.Lifetime.ApplicationStopping);
        DashboardPages.Map(app);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;

        if (!configuration.GetValue<bool>("AppHost:Testing"))
        {
            Console.WriteLine($"Dashboard: {settings.LoginUrl}");
        }

        _logger.LogDebug("Dashboard on {Url}; OTLP/HTTP on {Otlp}; OTLP/gRPC on {Grpc}", settings.BaseUrl, settings.OtlpEndpointUrl, settings.OtlpGrpcEndpointUrl);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _app = null;
        }
    }

    private static Task NotFound(Microsoft.AspNetCore.Http.HttpContext context)
    {
        context.Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
