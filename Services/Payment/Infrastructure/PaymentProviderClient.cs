using System.Net;
using Platform.Payment.Model;
using Platform.ServiceDefaults.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.Payment.Infrastructure;

/// <summary>
/// The external provider, <c>http://payment-provider</c>, behind the standard resilience handler. The idempotency
/// key is the order, so however often a charge is sent (handler retries, redeliveries, replicas), the provider
/// charges once.
/// </summary>
public sealed class PaymentProviderClient(HttpClient http)
{
    private sealed record ChargeBody(decimal Amount, string Currency);

    private sealed record ChargeReply(string? Id, decimal Amount, string? Status);

    private sealed record ErrorReply(string? Error);

    public static string IdempotencyKeyFor(Guid orderId) => $"order-{orderId}";

    public async Task<ChargeAttempt> ChargeAsync(Guid orderId, decimal amount, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges")
        {
            Content = JsonContent.Create(new ChargeBody(amount, "usd")),
        };
        // The header alone makes the handler retry this POST (see docs/service-defaults.md, Idempotency).
        request.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, IdempotencyKeyFor(orderId));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await ClassifyAsync(response, cancellationToken);
        }
        catch (BrokenCircuitException ex)
        {
            return new ChargeAttempt.BreakerOpen(ex.Message);
        }
        catch (TimeoutRejectedException ex)
        {
            return new ChargeAttempt.Unavailable($"timed out: {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            return new ChargeAttempt.Unavailable(ex.Message);
        }
    }

    internal static async Task<ChargeAttempt> ClassifyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var charge = await response.Content.ReadFromJsonAsync<ChargeReply>(cancellationToken);
            return charge?.Id is { Length: > 0 } id
                ? new ChargeAttempt.Charged(id)
                : new ChargeAttempt.Unavailable($"{(int)status} without a charge id");
        }

        if (TransientHttpFailure.IsTransient(status))
        {
            return new ChargeAttempt.Unavailable($"HTTP {(int)status}");
        }

        var error = await TryReadErrorAsync(response, cancellationToken);
        return new ChargeAttempt.Refused(status == HttpStatusCode.PaymentRequired
            ? error ?? "card_declined"
            : $"rejected_{(int)status}{(error is null ? "" : $": {error}")}");
    }

    private static async Task<string?> TryReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return (await response.Content.ReadFromJsonAsync<ErrorReply>(cancellationToken))?.Error;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
