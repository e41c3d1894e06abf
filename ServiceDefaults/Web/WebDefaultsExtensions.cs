using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Web;

public static class WebDefaultsExtensions
{
    public const string MaxRequestBodySizeKey = "Kestrel:Limits:MaxRequestBodySize";
    public const string ShutdownTimeoutKey = "HostOptions:ShutdownTimeout";
    public const long DefaultMaxRequestBodySize = 1024 * 1024;
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Problem details, the platform JSON options, a request body limit and a draining shutdown.</summary>
    public static IHostApplicationBuilder AddPlatformWebDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && !context.HttpContext.Response.Headers.ContainsKey("Retry-After"))
            {
                context.HttpContext.Response.Headers.RetryAfter = DependencyUnavailable.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        builder.AddTrustedForwardedHeaders();
        // Without this the exception handler turns Kestrel's 400/413 (malformed or oversized body) into 500, and a
        // dependency that is away into 500 rather than 503.
        builder.Services.Configure<ExceptionHandlerOptions>(options => options.StatusCodeSelector = DependencyUnavailable.StatusCodeOf);
        builder.Services.ConfigureHttpJsonOptions(options => PlatformJson.Configure(options.SerializerOptions));

        // Kestrel's default is 30 MB; our APIs take small JSON documents, so a tighter bound limits abuse.
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((kestrel, configuration) =>
            kestrel.Limits.MaxRequestBodySize =
                configuration.GetValue(MaxRequestBodySizeKey, DefaultMaxRequestBodySize));

        // On SIGTERM Kestrel stops accepting and lets in-flight requests finish within this time.
        builder.Services.AddOptions<HostOptions>().Configure<IConfiguration>((host, configuration) =>
            host.ShutdownTimeout = configuration.GetValue(ShutdownTimeoutKey, DefaultShutdownTimeout));
        return builder;
    }

    /// <summary>
    /// Puts a source-generated JsonSerializerContext first in the minimal API resolver chain: no reflection for the
    /// types it knows, the platform settings still apply.
    /// </summary>
    public static IServiceCollection AddJsonTypeInfoResolver(this IServiceCollection services, IJsonTypeInfoResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        return services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, resolver));
    }

    /// <summary>Unhandled exceptions and bare error status codes become RFC 9457 problem details.</summary>
    public static WebApplication UsePlatformProblemDetails(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
