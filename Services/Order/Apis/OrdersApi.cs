using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Admission;
using Platform.Contracts.IntegrationEvents;
using Platform.Order.Infrastructure;
using Platform.Order.Model;

namespace Platform.Order.Apis;

public static class OrdersApi
{
    private const int MaxLines = 50;
    private const int MaxQuantity = 100;

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        // a buyer's token: the buyer is its subject, and another buyer's order is "not found" (not "forbidden": that
        // would confirm it exists)
        var api = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization(PlatformAccess.BuyerPolicy);
        api.MapPost("/", PlaceOrderAsync).WithName("PlaceOrder");
        api.MapGet("/{id:guid}", GetOrderAsync).WithName("GetOrder");
        api.MapGet("/", ListOrdersAsync).WithName("ListOrders");
        return app;
    }

    internal static async Task<Results<Created<Model.Order>, Ok<Model.Order>, ValidationProblem, ProblemHttpResult>> PlaceOrderAsync(
        PlaceOrderRequest? request, HttpContext http, OrderRepository orders, CatalogClient catalog, IServiceProvider services, CancellationToken cancellationToken)
    {
        var key = http.Request.Headers[OrderIdempotencyKey.Header].ToString();
        if (!OrderIdempotencyKey.IsValid(key))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Idempotency-Key required",
                detail: $"POST /api/orders needs an Idempotency-Key header: {OrderIdempotencyKey.Rule}.");
        }

        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // an order from a sale's waiting room carries its admission (the gateway already checked and took it); stored
        // under a unique id, so one admission never places two orders
        AdmissionGrant? admission = null;
        if (http.Request.Headers[AdmissionTokens.Header] is { Count: > 0 } admissionToken)
        {
            admission = await services.GetRequiredService<AdmissionTokens>().ValidateAsync(admissionToken, http.User);
            if (admission is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Admission invalid",
                    detail: "The admission token is forged, expired or another buyer's.");
            }
        }

        var lines = request!.Lines!;
        IReadOnlyDictionary<int, CatalogPrice> prices;
        try
        {
            prices = await catalog.GetPricesAsync([.. lines.Select(l => l.ProductId)], cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Nothing was stored: the buyer retries with the same Idempotency-Key and gets exactly one order.
            http.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Catalog unavailable",
                detail: "Current prices could not be read from the catalog; retry with the same Idempotency-Key.");
        }

        var unknown = lines.Where(l => !prices.ContainsKey(l.ProductId)).Select(l => l.ProductId).ToList();
        if (unknown.Count > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["lines"] = [$"Unknown products: {string.Join(", ", unknown)}."] });
        }

        var priced = lines.Select(l => new OrderLine(l.ProductId, l.Quantity, prices[l.ProductId].Price)).ToList();
        var buyer = http.User.BuyerId();
        var (outcome, orderId) = await orders.PlaceAsync(buyer, key, Hash(buyer, request), priced, admission?.Id, cancellationToken);
        if (outcome == PlaceOrderOutcome.AdmissionUsed)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                title: "Admission used", detail: "This admission already placed an order; an admission buys once.");
        }

        if (outcome == PlaceOrderOutcome.TooManyOpenOrders)
        {
            // 429, not 409: the waiting room's gate reads a 409 as "this admission placed an order" (OrderGate.Settlement)
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many open orders",
                detail: "You have as many orders waiting for stock or payment as one buyer may; place this one once one of them is confirmed or cancelled.");
        }

        if (outcome == PlaceOrderOutcome.KeyReusedWithDifferentRequest)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "Idempotency-Key reused", detail: "This Idempotency-Key was used for a different order; use a new key for a new purchase.");
        }

        // placed now or by the key's first request: either way stored, and orders are never deleted
        var order = (await orders.GetAsync(orderId, cancellationToken))!;
        var location = $"/api/orders/{orderId}";
        if (outcome == PlaceOrderOutcome.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            http.Response.Headers.Location = location;
            return TypedResults.Ok(order);
        }

        return TypedResults.Created(location, order);
    }

    internal static async Task<Results<Ok<Model.Order>, ProblemHttpResult>> GetOrderAsync(
        Guid id, ClaimsPrincipal user, OrderRepository orders, CancellationToken cancellationToken) =>
        await orders.GetAsync(id, cancellationToken) is { } order && order.BuyerId == user.BuyerId()
            ? TypedResults.Ok(order)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"No order {id}.");

    internal static async Task<Results<Ok<IReadOnlyList<Model.Order>>, ValidationProblem>> ListOrdersAsync(
        int? limit, ClaimsPrincipal user, OrderRepository orders, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["limit must be between 1 and 100."] });
        }

        return TypedResults.Ok(await orders.ListByBuyerAsync(user.BuyerId(), limit ?? 20, cancellationToken));
    }

    internal static Dictionary<string, string[]> Validate(PlaceOrderRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body { lines: [{ productId, quantity }] } is required."];
            return errors;
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines } lines)
        {
            errors["lines"] = [$"An order has 1 to {MaxLines} lines."];
            return errors;
        }

        // JSON allows [null]: a line that is not an object is refused before anything reads it (the fuzz test's find)
        if (lines.Any(l => l is null))
        {
            errors["lines"] = ["Every line is an object { productId, quantity }."];
            return errors;
        }

        if (lines.Any(l => l.ProductId <= 0))
        {
            errors["lines.productId"] = ["Every productId must be a positive integer."];
        }

        if (lines.Any(l => l.Quantity is < 1 or > MaxQuantity))
        {
            errors["lines.quantity"] = [$"Every quantity must be between 1 and {MaxQuantity}."];
        }

        if (lines.Select(l => l.ProductId).Distinct().Count() != lines.Count)
        {
            errors["lines"] = ["A product appears on more than one line; put its total quantity on one line."];
        }

        return errors;
    }

    // The buyer and lines, canonically ordered: the same purchase hashes the same whatever the JSON layout.
    private static string Hash(string buyer, PlaceOrderRequest request) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        $"{buyer}|{string.Join(';', request.Lines!.OrderBy(l => l.ProductId).Select(l => $"{l.ProductId}x{l.Quantity}"))}")));
}
