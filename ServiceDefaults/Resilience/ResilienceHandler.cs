using Polly;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>Sends each request through its client's standard resilience pipeline.</summary>
public sealed class ResilienceHandler(string clientName, HttpResiliencePipelineProvider pipelines) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (options, pipeline) = pipelines.GetPipeline(clientName);
        if (pipeline is null)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var retryAllowed = request.IsRetryable(options.Retry);
        if (retryAllowed && request.Content is not null)
        {
            // A stream content can be read once; buffered, it can be sent again by a retry.
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResiliencePipelineFactory.RetryAllowed, retryAllowed);
        try
        {
            return await pipeline.ExecuteAsync(
                static (ctx, state) => new ValueTask<HttpResponseMessage>(
                    state.Handler.SendAttemptAsync(state.Request, ctx.CancellationToken)),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
