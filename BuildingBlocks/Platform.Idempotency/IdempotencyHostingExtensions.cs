using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Idempotency;

namespace Microsoft.Extensions.Hosting;

public static class IdempotencyHostingExtensions
{
    /// <summary>
    /// Registers the idempotency filter (use <c>.WithIdempotency()</c> on endpoints) and a startup filter that buffers
    /// the bodies of requests carrying the key header, so the filter can hash the body after model binding read it.
    /// Needs the <c>IConnectionMultiplexer</c> registered by <c>AddRedisClient</c> (Aspire.StackExchange.Redis).
    /// </summary>
    public static IHostApplicationBuilder AddIdempotency(this IHostApplicationBuilder builder, Action<IdempotencyOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<IdempotencyOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddSingleton<IdempotencyFilter>();
        builder.Services.AddSingleton<IStartupFilter, IdempotencyBufferingStartupFilter>();
        return builder;
    }
}

public static class IdempotencyEndpointExtensions
{
    /// <summary>Protects the endpoint (typically a POST) with <see cref="IdempotencyFilter"/>; requires <c>builder.AddIdempotency()</c>.</summary>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddEndpointFilterFactory(static (factoryContext, next) =>
        {
            var filter = factoryContext.ApplicationServices.GetRequiredService<IdempotencyFilter>();
            return invocation => filter.InvokeAsync(invocation, next);
        });
    }
}
