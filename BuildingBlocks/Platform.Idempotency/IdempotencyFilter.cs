using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Platform.Idempotency;

/// <summary>
/// Endpoint filter for unsafe methods. The first request with a key runs and its response is stored; a repeat with
/// the same request (method, path, query, body: SHA-256) gets the stored response plus the replayed marker; a repeat
/// with a different request gets 422; a duplicate while the first still runs gets 409, or waits
/// (<see cref="IdempotencyOptions.ConcurrentDuplicates"/>). Responses with status 5xx, and exceptions, are not
/// stored: the key is freed so the client's retry runs again.
/// </summary>
public sealed class IdempotencyFilter(IConnectionMultiplexer redis, IOptions<IdempotencyOptions> options, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    private readonly IdempotencyOptions _options = options.Value;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        string? key = http.Request.Headers[_options.HeaderName];
        if (string.IsNullOrEmpty(key))
        {
            return _options.RequireKey ? Problem(StatusCodes.Status400BadRequest, $"The {_options.HeaderName} header is required.") : await next(context).ConfigureAwait(false);
        }

        if (key.Length > _options.MaxKeyLength)
        {
            return Problem(StatusCodes.Status400BadRequest, $"The {_options.HeaderName} header is longer than {_options.MaxKeyLength} characters.");
        }

        using var activity = IdempotencyDiagnostics.Source.StartActivity("idempotency");
        string recordKey = $"{_options.KeyPrefix}:{_options.Scope(http)}:{key}";
        string requestHash = await HashRequestAsync(http.Request).ConfigureAwait(false);
        string owner = Guid.NewGuid().ToString("N");
        long waitStart = Stopwatch.GetTimestamp();
        while (true)
        {
            RedisResult[] record;
            try
            {
                record = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                    IdempotencyScripts.Begin, [recordKey], [requestHash, owner, (long)_options.InFlightTimeout.TotalMilliseconds]).WaitAsync(http.RequestAborted).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                IdempotencyDiagnostics.Record("unavailable");
                logger.LogWarning(ex, "Idempotency store unavailable ({Mode}).", _options.FailOpen ? "running unprotected" : "answering 503");
                if (_options.FailOpen)
                {
                    return await next(context).ConfigureAwait(false);
                }

                http.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status503ServiceUnavailable, "The idempotency store is unavailable; retry with the same key.");
            }

            if (record.Length == 1)
            {
                return await RunAndStoreAsync(context, next, recordKey, owner).ConfigureAwait(false);
            }

            if ((string?)record[1] != requestHash)
            {
                IdempotencyDiagnostics.Record("mismatch");
                activity?.SetTag("idempotency.outcome", "mismatch");
                return Problem(StatusCodes.Status422UnprocessableEntity, $"This {_options.HeaderName} was used with a different request.");
            }

            if ((string?)record[0] == "done")
            {
                IdempotencyDiagnostics.Record("replayed");
                activity?.SetTag("idempotency.outcome", "replayed");
                var stored = new StoredResponse((int)(long)record[2], (string?)record[3] ?? "", (byte[]?)record[4] ?? []);
                await stored.WriteToAsync(http.Response, _options.ReplayedHeaderName, http.RequestAborted).ConfigureAwait(false);
                return Results.Empty;
            }

            if (record[0].IsNull)
            {
                continue; // the record expired or was abandoned between the script's check and HMGET
            }

            if (_options.ConcurrentDuplicates == ConcurrentDuplicateBehavior.Conflict || Stopwatch.GetElapsedTime(waitStart) >= _options.WaitTimeout)
            {
                IdempotencyDiagnostics.Record("conflict");
                activity?.SetTag("idempotency.outcome", "conflict");
                http.Response.Headers.RetryAfter = "1";
                return Problem(StatusCodes.Status409Conflict, $"A request with this {_options.HeaderName} is still being processed.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), http.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs the handler and executes its result into a buffer, so the exact bytes can be stored before they are sent;
    /// the endpoint then gets an empty result because the response is already written.
    /// </summary>
    private async Task<object?> RunAndStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, string recordKey, string owner)
    {
        var http = context.HttpContext;
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var result = await next(context).ConfigureAwait(false);
            await ToResult(result).ExecuteAsync(http).ConfigureAwait(false);
        }
        catch
        {
            http.Response.Body = original;
            await AbandonQuietlyAsync(recordKey, owner).ConfigureAwait(false);
            IdempotencyDiagnostics.Record("abandoned");
            throw;
        }

        http.Response.Body = original;
        var body = buffer.ToArray();
        if (http.Response.StatusCode >= 500)
        {
            await AbandonQuietlyAsync(recordKey, owner).ConfigureAwait(false);
            IdempotencyDiagnostics.Record("abandoned");
        }
        else
        {
            try
            {
                var headers = StoredResponse.EncodeHeaders(http.Response.Headers, _options.ReplayedHeaders);
                await redis.GetDatabase().ScriptEvaluateAsync(
                    IdempotencyScripts.Complete,
                    [recordKey],
                    [owner, http.Response.StatusCode, headers, body, (long)_options.Retention.TotalMilliseconds]).ConfigureAwait(false);
                IdempotencyDiagnostics.Record("executed");
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // the response still goes out; duplicates see "running" (409) until InFlightTimeout frees the key
                logger.LogWarning(ex, "Could not store the response for idempotency record {Record}.", recordKey);
            }
        }

        http.Response.ContentLength = body.Length;
        await original.WriteAsync(body, http.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    /// <summary>What minimal APIs would do with the handler's return value.</summary>
    private static IResult ToResult(object? result) => result switch
    {
        IResult r => r,
        null => Results.Empty,
        string text => Results.Text(text),
        _ => Results.Json(result), // declared as object: serialised by its runtime type
    };

    private async Task AbandonQuietlyAsync(string recordKey, string owner)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(IdempotencyScripts.Abandon, [recordKey], [owner]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not free idempotency record {Record}; it expires after the in-flight timeout.", recordKey);
        }
    }

    /// <summary>SHA-256 of method, path, query and body. The body was buffered by the middleware AddIdempotency installs.</summary>
    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var chunk = new byte[8192];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(chunk, 0, read);
            }

            request.Body.Position = 0;
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static IResult Problem(int status, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: ReasonPhrases(status));

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase
        ? phrase
        : status.ToString(CultureInfo.InvariantCulture);
}
