using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Platform.Idempotency;

/// <summary>
/// Endpoint filters run after model binding has consumed the body; buffering it first (only for requests that carry
/// the key header) lets the filter rewind and hash it.
/// </summary>
internal sealed class IdempotencyBufferingStartupFilter(IOptions<IdempotencyOptions> options) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        string header = options.Value.HeaderName;
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.ContainsKey(header))
            {
                context.Request.EnableBuffering();
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
