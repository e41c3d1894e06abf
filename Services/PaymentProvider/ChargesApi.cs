namespace Platform.PaymentProvider;

public sealed record ChargeRequest(decimal Amount, string? Currency);

public sealed record ChargeResponse(string Id, decimal Amount, string Status);

public sealed record ChargeError(string Error);

public static class ChargesApi
{
    public static IEndpointRouteBuilder MapChargesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/charges", CreateChargeAsync);
        return app;
    }

    private static async Task<IResult> CreateChargeAsync(
        ChargeRequest request, HttpContext http, BehaviourSwitch behaviour, ChargeLedger ledger, ILoggerFactory loggers)
    {
        if (http.Request.Headers["Idempotency-Key"].ToString() is not { Length: > 0 } key)
        {
            return Results.BadRequest(new ChargeError("idempotency_key_required"));
        }

        if (request.Amount <= 0)
        {
            return Results.BadRequest(new ChargeError("invalid_amount"));
        }

        // A replayed key answers the original charge at once, whatever the current failure settings: the money
        // moved already, and the caller retrying after a lost response must learn that.
        if (ledger.Find(key) is { } existing)
        {
            return Results.Created($"/v1/charges/{existing.Id}", ToResponse(existing));
        }

        var current = behaviour.Current;
        if (current.LatencyMs > 0)
        {
            // Not cancelled by the caller going away: a real provider finishes the charge even if the client timed
            // out, which is exactly the case idempotency keys exist for.
            await Task.Delay(current.LatencyMs, CancellationToken.None);
        }

        if (BehaviourSwitch.Roll(current.FailureRate))
        {
            return Results.Json(new ChargeError("provider_unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (BehaviourSwitch.Roll(current.DeclineRate))
        {
            return Results.Json(new ChargeError("card_declined"), statusCode: StatusCodes.Status402PaymentRequired);
        }

        var charge = ledger.ChargeOnce(key, request.Amount);
        loggers.CreateLogger("Charges").LogInformation("Charge {ChargeId} of {Amount} for key {Key}", charge.Id, charge.Amount, key);
        return Results.Created($"/v1/charges/{charge.Id}", ToResponse(charge));
    }

    private static ChargeResponse ToResponse(Charge charge) => new(charge.Id, charge.Amount, charge.Status);
}
