using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Platform.Payment.Model;
using Platform.ServiceDefaults.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.Payment.Infrastructure;

/// <summary>
/// The external provider, <c>http://payment-provider</c>, behind the standard resilience handler. The idempotency
/// key is the order, so however often a charge is sent (handler retries, redeliveries, replicas), the provider
/// charges once; the refund key is the order too, so an order is refunded at most once.
/// </summary>
public sealed class PaymentProviderClient(HttpClient http)
{
    private sealed record ChargeBody(decimal Amount, string Currency);

    private sealed record ChargeReply(string? Id, decimal Amount, string? Status, bool Refunded);

    private sealed record RefundBody(string ChargeId);

    private sealed record RefundReply(string? Id);

    private sealed record ErrorReply(string? Error);

    public static string IdempotencyKeyFor(Guid orderId) => $"order-{orderId}";

    public static string RefundKeyFor(Guid orderId) => $"refund-{orderId}";

    public async Task<ChargeAttempt> ChargeAsync(Guid orderId, decimal amount, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges")
        {
            Content = JsonContent.Create(new ChargeBody(amount, "usd")),
        };
        // The header alone makes the handler retry this POST (see docs/service-defaults.md, Idempotency).
        request.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, IdempotencyKeyFor(orderId));
        return await SendAsync(request, (response, ct) => ClassifyAsync(response, amount, ct), ex => ex is BrokenCircuitException
            ? new ChargeAttempt.BreakerOpen(ex.Message)
            : new ChargeAttempt.Unavailable(Describe(ex)), cancellationToken);
    }

    /// <summary>The charge made (or not) under the order's idempotency key: what a client that lost the answer still has.</summary>
    public async Task<ChargeLookup> FindChargeAsync(Guid orderId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/charges/by-key/{Uri.EscapeDataString(IdempotencyKeyFor(orderId))}");
        return await SendAsync(request, ClassifyLookupAsync, ex => new ChargeLookup.Unavailable(Describe(ex)), cancellationToken);
    }

    /// <summary>Refunds the whole charge, once per order whoever asks (reconciler, consumer, replicas).</summary>
    public async Task<RefundAttempt> RefundAsync(Guid orderId, string chargeId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/refunds") { Content = JsonContent.Create(new RefundBody(chargeId)) };
        request.Headers.Add(HttpRequestRetryExtensions.IdempotencyKeyHeader, RefundKeyFor(orderId));
        return await SendAsync(request, ClassifyRefundAsync, ex => new RefundAttempt.Unavailable(Describe(ex)), cancellationToken);
    }

    /// <param name="amount">What we asked for: a replay answered with a charge of another amount is not ours.</param>
    internal static async Task<ChargeAttempt> ClassifyAsync(HttpResponseMessage response, decimal amount, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var charge = await response.Content.ReadFromJsonAsync<ChargeReply>(cancellationToken);
            return charge?.Id is not { Length: > 0 } id ? new ChargeAttempt.Unavailable($"{(int)status} without a charge id")
                : charge.Amount != amount ? new ChargeAttempt.Conflicting($"the key holds charge {id} of {charge.Amount}, not {amount}")
                : new ChargeAttempt.Charged(id);
        }

        if (HttpClientResiliencePredicates.IsTransient(Polly.Outcome.FromResult(response)))
        {
            return new ChargeAttempt.Unavailable($"HTTP {(int)status}");
        }

        var error = await TryReadErrorAsync(response, cancellationToken);
        if (error == "idempotency_key_reused")
        {
            return new ChargeAttempt.Conflicting($"the provider refused the key's reuse with another amount than {amount}");
        }

        return new ChargeAttempt.Refused(status == HttpStatusCode.PaymentRequired ? error ?? "card_declined" : Rejected(status, error));
    }

    internal static async Task<ChargeLookup> ClassifyLookupAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var charge = await response.Content.ReadFromJsonAsync<ChargeReply>(cancellationToken);
            return charge?.Id is { Length: > 0 } id
                ? new ChargeLookup.Found(id, charge.Amount, charge.Refunded)
                : new ChargeLookup.Unavailable($"{(int)status} without a charge id");
        }

        if (HttpClientResiliencePredicates.IsTransient(Polly.Outcome.FromResult(response)))
        {
            return new ChargeLookup.Unavailable($"HTTP {(int)status}");
        }

        // Only the provider's own "no such charge" settles a payment as uncharged: a bare 404 (a proxy, a provider
        // without this endpoint) proves nothing about the money.
        var error = await TryReadErrorAsync(response, cancellationToken);
        return status == HttpStatusCode.NotFound && error == "charge_not_found"
            ? new ChargeLookup.NotFound()
            : new ChargeLookup.Refused(Rejected(status, error));
    }

    internal static async Task<RefundAttempt> ClassifyRefundAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            var refund = await response.Content.ReadFromJsonAsync<RefundReply>(cancellationToken);
            return refund?.Id is { Length: > 0 } id
                ? new RefundAttempt.Refunded(id)
                : new RefundAttempt.Unavailable($"{(int)status} without a refund id");
        }

        if (HttpClientResiliencePredicates.IsTransient(Polly.Outcome.FromResult(response)))
        {
            return new RefundAttempt.Unavailable($"HTTP {(int)status}");
        }

        var error = await TryReadErrorAsync(response, cancellationToken);
        return status == HttpStatusCode.Conflict && error == "charge_already_refunded"
            ? new RefundAttempt.AlreadyRefunded()
            : new RefundAttempt.Refused(Rejected(status, error));
    }

    private async Task<T> SendAsync<T>(
        HttpRequestMessage request, Func<HttpResponseMessage, CancellationToken, Task<T>> classify, Func<Exception, T> unavailable, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await classify(response, cancellationToken);
        }
        catch (Exception ex) when (ex is BrokenCircuitException or TimeoutRejectedException or HttpRequestException)
        {
            return unavailable(ex);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        BrokenCircuitException => $"circuit open: {ex.Message}",
        TimeoutRejectedException => $"timed out: {ex.Message}",
        _ => ex.Message,
    };

    private static string Rejected(HttpStatusCode status, string? error) => $"rejected_{(int)status}{(error is null ? "" : $": {error}")}";

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
