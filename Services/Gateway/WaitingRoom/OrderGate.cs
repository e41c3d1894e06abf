using System.Text.Json;
using Platform.Admission;
using Platform.Gateway.Extensions;
using Platform.ServiceDefaults.Web;
using StackExchange.Redis;

namespace Platform.Gateway.WaitingRoom;

/// <summary>
/// While a sale is open, an order for its products passes only with the buyer's admission token (header
/// <c>Admission-Token</c>), taken for this one order (its Idempotency-Key) atomically in Redis before the order is
/// proxied: a second order with the same admission is refused here, and the order service's unique admission id
/// refuses it again should Redis have forgotten. Refused orders never reach the order service. An order the service
/// refused gives the admission back when that proves it unspent (<see cref="Settlement"/>); otherwise it stays with the
/// key for a retry. A sold-out sale keeps gating until it is closed. While no sale gates it reads no body; while it
/// cannot read the sales at all it pauses every order (fail closed).
/// </summary>
internal sealed class OrderGate(RequestDelegate next)
{
    private const int MaxBody = 64 * 1024;

    public async Task InvokeAsync(
        HttpContext http, SaleBoard board, WaitingRoomStore store, AdmissionTokens tokens, WaitingRoomMetrics metrics, ILogger<OrderGate> logger)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }

        if (!board.IsCurrent && !await board.WaitUntilCurrentAsync(http.RequestAborted))
        {
            // fail closed: without a current picture of the sales, any product might be on sale right now
            metrics.Gated("unknown", "paused");
            http.Response.Headers.RetryAfter = "2";
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "Orders paused",
                "The gateway cannot read the flash sales right now, so it cannot tell which products need an admission; retry with the same Idempotency-Key.");
            return;
        }

        if (!board.AnyGating)
        {
            await next(http);
            return;
        }

        if (await ProductIdsAsync(http) is not { } products)
        {
            await Problem(http, StatusCodes.Status400BadRequest, "Unreadable order", "The order body must be JSON { lines: [{ productId, quantity }] } of at most 64 KB.");
            return;
        }

        var sales = products.Select(board.GatingSaleOf).OfType<SaleView>().Distinct().ToList();
        if (sales.Count == 0)
        {
            // an admission is for its sale's products only: sent with another order it would be spent on it
            http.Request.Headers.Remove(AdmissionTokens.Header);
            await next(http);
            return;
        }

        if (sales.Count > 1)
        {
            await Problem(http, StatusCodes.Status400BadRequest, "Products of several sales", "Order the products of one sale at a time, each with its admission.");
            return;
        }

        var sale = sales[0].Snapshot.Id;
        var admission = await tokens.ValidateAsync(http.Request.Headers[AdmissionTokens.Header], http.User);
        if (admission is null || admission.SaleId != sale)
        {
            metrics.Gated(sale, "no-admission");
            await QueueProblem(http, sale, StatusCodes.Status403Forbidden, "Admission required",
                $"Sale {sale} is open: ordering its products needs your admission token from its waiting room (header {AdmissionTokens.Header}).");
            return;
        }

        var key = http.Request.Headers[OrderIdempotencyKey.Header].ToString();
        if (!OrderIdempotencyKey.IsValid(key))
        {
            await Problem(http, StatusCodes.Status400BadRequest, "Idempotency-Key required", $"POST /api/orders needs an Idempotency-Key header: {OrderIdempotencyKey.Rule}.");
            return;
        }

        ClaimOutcome claim;
        try
        {
            claim = await store.ClaimAsync(sale, admission.BuyerId, key);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // the admission cannot be checked: refuse for now, nothing is lost, the same request works once Redis is back
            http.Response.Headers.RetryAfter = "2";
            await Problem(http, StatusCodes.Status503ServiceUnavailable, "Waiting room unavailable", "Admissions cannot be checked right now; retry with the same Idempotency-Key.");
            return;
        }

        metrics.Gated(sale, claim.ToString());
        switch (claim)
        {
            case ClaimOutcome.Used:
                await QueueProblem(http, sale, StatusCodes.Status409Conflict, "Admission used", "This admission was used for another order; an admission buys once.");
                return;
            case ClaimOutcome.Expired or ClaimOutcome.NotAdmitted or ClaimOutcome.UnknownSale:
                await QueueProblem(http, sale, StatusCodes.Status403Forbidden, "Admission expired", "This admission is no longer valid; join the queue again.");
                return;
        }

        await next(http);
        var status = http.Response.StatusCode;
        try
        {
            if (Settlement(claim, status) is { } ordered)
            {
                await store.SettleAsync(sale, admission.BuyerId, key, ordered);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // the admission stays taken by this order's key: a retry with it still works, another order still does not
            logger.LogWarning(ex, "Could not record the outcome ({Status}) of an order with an admission to sale {Sale}.", status, sale);
        }
    }

    /// <summary>
    /// What the order service's answer proves about the admission: spent (true), unspent and given back (false), or
    /// unknown (null: it stays taken by this key, so only a retry with the key can use it). A refusal proves the
    /// admission unspent only after a fresh claim: after <see cref="ClaimOutcome.SameOrder"/> an earlier request with the
    /// key, whose answer was lost, may have placed the order, and a retry with another body is refused (422, 400) while
    /// that order stands. A 409 is the order service's "this admission already placed an order".
    /// </summary>
    internal static bool? Settlement(ClaimOutcome claim, int status) => status switch
    {
        < 300 or StatusCodes.Status409Conflict => true,
        < 500 when claim == ClaimOutcome.Claimed => false,
        _ => null,
    };

    /// <summary>The order's product ids, read from a buffered body the proxy then sends on; null when unreadable.</summary>
    private static async Task<IReadOnlyList<int>?> ProductIdsAsync(HttpContext http)
    {
        if (http.Request.ContentLength > MaxBody)
        {
            return null;
        }

        http.Request.EnableBuffering(MaxBody, MaxBody);
        try
        {
            var order = await JsonSerializer.DeserializeAsync<OrderProbe>(http.Request.Body, PlatformJson.Options, http.RequestAborted);
            // a null line (JSON allows [null]) names no product; the order service refuses the order for it
            return order?.Lines?.OfType<LineProbe>().Select(l => l.ProductId).ToList();
        }
        catch (Exception ex) when (ex is JsonException or IOException or BadHttpRequestException)
        {
            return null;
        }
        finally
        {
            http.Request.Body.Position = 0;
        }
    }

    private static Task QueueProblem(HttpContext http, string sale, int status, string title, string detail) =>
        Problem(http, status, title, detail, new Dictionary<string, object?>
        {
            ["saleId"] = sale,
            ["joinPath"] = $"/api/queue/{sale}/join",
            ["statusPath"] = $"/api/queue/{sale}/status",
        });

    private static Task Problem(HttpContext http, int status, string title, string detail, Dictionary<string, object?>? extensions = null) =>
        http.WriteProblemAsync(status, title, detail, extensions);

    private sealed record OrderProbe(List<LineProbe>? Lines);

    private sealed record LineProbe(int ProductId);
}
