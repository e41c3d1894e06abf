namespace Platform.Catalog.Apis;

/// <summary>
/// Internal endpoints for the order flow until it reserves over messages: reserve all lines or none, release once.
/// </summary>
internal static class InventoryApi
{
    public const int MaxLines = 100;
    public const int MaxQuantity = 10_000;

    public static RouteGroupBuilder MapInventoryApi(this RouteGroupBuilder api)
    {
        var inventory = api.MapGroup("/inventory").WithTags("Inventory (internal)");
        inventory.MapPost("/reservations", ReserveAsync).WithName("ReserveStock");
        inventory.MapDelete("/reservations/{orderId}", ReleaseAsync).WithName("ReleaseStock");
        return api;
    }

    internal static async Task<IResult> ReserveAsync(ReservationRequest? request, InventoryService inventory, CancellationToken cancellationToken)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return Results.ValidationProblem(errors);
        }

        var result = await inventory.ReserveAsync(request!.OrderId, request.Lines!, cancellationToken);
        return result.Status == ReservationStatus.Reserved
            ? TypedResults.Ok(result)
            : TypedResults.Conflict(result);
    }

    internal static async Task<IResult> ReleaseAsync(string orderId, InventoryService inventory, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(orderId, out var id) || id == Guid.Empty)
        {
            return HttpValidation.Invalid("orderId", "orderId must be a non-empty GUID.");
        }

        return await inventory.ReleaseAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No active reservation", detail: $"Order {id} has no reserved stock to release.");
    }

    internal static Dictionary<string, string[]> Validate(ReservationRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body is required."];
            return errors;
        }

        if (request.OrderId == Guid.Empty)
        {
            errors["orderId"] = ["orderId is required."];
        }

        if (request.Lines is not { Count: > 0 and <= MaxLines })
        {
            errors["lines"] = [$"lines must hold 1 to {MaxLines} lines."];
        }
        else if (request.Lines.Any(l => l is null || l.ItemId <= 0 || l.Quantity is <= 0 or > MaxQuantity))
        {
            errors["lines"] = [$"Every line needs a positive itemId and a quantity from 1 to {MaxQuantity}."];
        }

        return errors;
    }
}
