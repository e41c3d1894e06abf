using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Tests.Support;

/// <summary>A real Kestrel app on 127.0.0.1 with an ephemeral port, in the Production environment.</summary>
internal sealed class LoopbackApp : IAsyncDisposable
{
    private int _disposed;

    private LoopbackApp(WebApplication app)
    {
        App = app;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<LoopbackApp> StartAsync(
        string applicationName,
        Action<WebApplication> mapRoutes,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        bool serviceDefaults = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ApplicationName = applicationName,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        // Whatever the machine's environment says, a test exports only where it asks to.
        builder.Configuration.AddInMemoryCollection([new(OtelKeys.Endpoint, "")]);
        // Production samples one trace in ten; a test that looks for its spans records them all unless it says otherwise
        builder.Configuration.AddInMemoryCollection([new(Microsoft.Extensions.Hosting.Extensions.TraceSamplingRatioKey, "1")]);
        // Retries without waiting. (It also gives "HttpClient:Resilience" a key: AddServiceDefaults throws without one.)
        builder.Configuration.AddInMemoryCollection(ClientContainer.FastRetries);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        configure?.Invoke(builder);
        if (serviceDefaults)
        {
            builder.AddServiceDefaults();
        }

        var app = builder.Build();
        if (serviceDefaults)
        {
            app.MapDefaultEndpoints();
        }

        mapRoutes(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new LoopbackApp(app);
    }

    /// <summary>Stops (Kestrel drains) and disposes the app; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
