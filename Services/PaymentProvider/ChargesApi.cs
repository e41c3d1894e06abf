namespace Platform.PaymentProvider;

public static class ChargesApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapChargesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/charges", CreateChargeAsync);
        // By key rather than a search: the key is what a client that lost the answer still has, and it names at
        // most one charge, so "none" is a plain 404.
        app.MapGet("/v1/charges/by-key/{idempotencyKey}", FindByKeyAsync);
        return app;
    }

    private static async Task<IResult> CreateChargeAsync(
        ChargeRequest request, HttpContext http, BehaviourSwitch behaviour, ChargeLedger ledger, RefundLedger refunds, ILoggerFactory loggers)
    {
        if (behaviour.Current.Down)
        {
            return BehaviourSwitch.Unavailable();
        }

        if (http.Request.Headers[IdempotencyKeyHeader].ToString() is not { Length: > 0 } key)
        {
            return Results.BadRequest(new ProviderError("idempotency_key_required"));
        }

        if (request.Amount <= 0)
        {
            return Results.BadRequest(new ProviderError("invalid_amount"));
        }

        // A replayed key answers the original charge at once, whatever the failure settings: the money moved
        // already, and the caller retrying after a lost response must learn that. Stripe's rule: a key is reused
        // only with the parameters it was first used with; anything else is refused, never charged or answered.
        if (ledger.Find(key) is { } existing)
        {
            return existing.Amount == request.Amount ? Created(existing, refunds) : KeyReused();
        }

        using (ledger.Accept(key))
        {
            if (await behaviour.DelayOrFailAsync(CancellationToken.None) is { } failure)
            {
                // what a test waits for to see a client keep trying, rather than for a fixed time
                loggers.CreateLogger("Charges").LogInformation("Charge for key {Key} answered 503 (simulated failure)", key);
                return failure;
            }

            if (BehaviourSwitch.Roll(behaviour.Current.DeclineRate))
            {
                return Results.Json(new ProviderError("card_declined"), statusCode: StatusCodes.Status402PaymentRequired);
            }

            var charge = ledger.ChargeOnce(key, request.Amount);
            if (charge.Amount != request.Amount)
            {
                return KeyReused(); // a concurrent request with the same key and another amount got there first
            }

            loggers.CreateLogger("Charges").LogInformation("Charge {ChargeId} of {Amount} for key {Key}", charge.Id, charge.Amount, key);
            return Created(charge, refunds);
        }
    }

    private static async Task<IResult> FindByKeyAsync(string idempotencyKey, HttpContext http, BehaviourSwitch behaviour, ChargeLedger ledger, RefundLedger refunds)
    {
        if (behaviour.Current.Down)
        {
            return BehaviourSwitch.Unavailable();
        }

        // A lookup has no effect to finish, so a caller that gives up cancels its latency.
        if (await behaviour.DelayOrFailAsync(http.RequestAborted) is { } failure)
        {
            return failure;
        }

        return ledger.Find(idempotencyKey) is { } charge
            ? Results.Ok(ChargeResponse.Of(charge, refunds))
            : Results.NotFound(new ProviderError("charge_not_found"));
    }

    private static IResult KeyReused() => Results.BadRequest(new ProviderError("idempotency_key_reused"));

    private static IResult Created(Charge charge, RefundLedger refunds) =>
        Results.Created($"/v1/charges/{charge.Id}", ChargeResponse.Of(charge, refunds));
}
