using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Platform.ServiceDefaults.Resilience;

public static class ResilienceHandlerExtensions
{
    /// <summary>The section every client's handler is bound from; a client with its own handler adds "HttpClient:{name}:Resilience".</summary>
    public const string DefaultSection = "HttpClient:Resilience";

    /// <summary>
    /// Microsoft.Extensions.Http.Resilience's standard handler (total timeout, retry, circuit breaker, attempt timeout),
    /// its options bound from <see cref="DefaultSection"/>, with two platform rules: a POST or PATCH is retried only when
    /// it may be sent again (<see cref="HttpRequestRetryExtensions.IsRetryable"/>), and the circuit breaker's state changes
    /// are logged and counted under the client's name.
    /// </summary>
    public static IHttpClientBuilder AddPlatformResilienceHandler(this IHttpClientBuilder http, IConfiguration configuration)
    {
        http.Services.AddMetrics();
        http.Services.TryAddSingleton<CircuitBreakerTelemetry>();
        http.AddStandardResilienceHandler()
            .BindSection(configuration.GetSection(DefaultSection))
            .Configure((options, services) => ApplyPlatformRules(options, services, "default"));
        return http;
    }

    /// <summary>
    /// This client's own handler instead of the shared default: its own circuit breaker, and settings from
    /// <see cref="DefaultSection"/> overlaid by "HttpClient:{name}:Resilience".
    /// </summary>
    public static IHttpClientBuilder AddOwnResilienceHandler(this IHttpClientBuilder http, IConfiguration configuration)
    {
        http.Services.AddMetrics();
        http.Services.TryAddSingleton<CircuitBreakerTelemetry>();
        // Experimental (EXTEXP0001), and the way the library documents to replace the default handler for one client.
#pragma warning disable EXTEXP0001
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddStandardResilienceHandler()
            .BindSection(configuration.GetSection(DefaultSection))
            .BindSection(configuration.GetSection($"HttpClient:{http.Name}:Resilience"))
            .Configure((options, services) => ApplyPlatformRules(options, services, http.Name));

        // The default handlers came first, so this one would sit inside service discovery and retry the endpoint
        // that failed; outermost, each retry resolves an endpoint again (as with the default handler).
        http.ConfigureAdditionalHttpMessageHandlers((handlers, _) =>
        {
            var resilience = handlers.OfType<ResilienceHandler>().ToList();
            foreach (var handler in resilience)
            {
                handlers.Remove(handler);
            }

            for (var i = resilience.Count - 1; i >= 0; i--)
            {
                handlers.Insert(0, resilience[i]);
            }
        });
        return http;
    }

    /// <summary>Binds (with validation of unknown keys, and on reload) only a section that exists: the library refuses an empty one.</summary>
    private static IHttpStandardResiliencePipelineBuilder BindSection(this IHttpStandardResiliencePipelineBuilder pipeline, IConfigurationSection section) =>
        section.Exists() ? pipeline.Configure(section) : pipeline;

    private static void ApplyPlatformRules(HttpStandardResilienceOptions options, IServiceProvider services, string clientName)
    {
        var standard = options.Retry.ShouldHandle;
        options.Retry.ShouldHandle = args =>
            args.Context.GetRequestMessage() is { } request && !request.IsRetryable() ? ValueTask.FromResult(false) : standard(args);

        var telemetry = services.GetRequiredService<CircuitBreakerTelemetry>();
        options.CircuitBreaker.OnOpened = args =>
        {
            telemetry.OnOpened(clientName, args.BreakDuration, args.Outcome);
            return ValueTask.CompletedTask;
        };
        options.CircuitBreaker.OnHalfOpened = _ =>
        {
            telemetry.OnHalfOpened(clientName);
            return ValueTask.CompletedTask;
        };
        options.CircuitBreaker.OnClosed = _ =>
        {
            telemetry.OnClosed(clientName);
            return ValueTask.CompletedTask;
        };
    }
}
