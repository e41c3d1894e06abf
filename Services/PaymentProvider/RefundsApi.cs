namespace Platform.PaymentProvider;

public static class RefundsApi
{
    public static IEndpointRouteBuilder MapRefundsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/refunds", CreateRefundAsync);
        return app;
    }

    private static async Task<IResult> CreateRefundAsync(
        RefundRequest request, HttpContext http, BehaviourSwitch behaviour, RefundLedger refunds, ILoggerFactory loggers)
    {
        if (behaviour.Current.Down)
        {
            return BehaviourSwitch.Unavailable();
        }

        if (http.Request.Headers[ChargesApi.IdempotencyKeyHeader].ToString() is not { Length: > 0 } key)
        {
            return Results.BadRequest(new ProviderError("idempotency_key_required"));
        }

        if (string.IsNullOrWhiteSpace(request.ChargeId))
        {
            return Results.BadRequest(new ProviderError("charge_id_required"));
        }

        if (request.Amount <= 0)
        {
            return Results.BadRequest(new ProviderError("invalid_amount"));
        }

        // As for charges, a replay is answered at once, whatever the failure settings.
        if (refunds.Find(key) is null && await behaviour.DelayOrFailAsync(CancellationToken.None) is { } failure)
        {
            return failure;
        }

        var (outcome, refund) = refunds.RefundOnce(key, request.ChargeId, request.Amount);
        if (outcome == RefundOutcome.Created)
        {
            loggers.CreateLogger("Refunds").LogInformation("Refund {RefundId} of {Amount} for charge {ChargeId}, key {Key}", refund!.Id, refund.Amount, refund.ChargeId, key);
        }

        return outcome switch
        {
            RefundOutcome.Created or RefundOutcome.Replayed => Results.Created($"/v1/refunds/{refund!.Id}", RefundResponse.Of(refund)),
            RefundOutcome.ChargeNotFound => Results.NotFound(new ProviderError("charge_not_found")),
            RefundOutcome.ChargeAlreadyRefunded => Results.Conflict(new ProviderError("charge_already_refunded")),
            RefundOutcome.AmountExceedsRefundable => Results.BadRequest(new ProviderError("amount_exceeds_refundable")),
            RefundOutcome.KeyReusedWithOtherParameters => Results.BadRequest(new ProviderError("idempotency_key_reused")),
            _ => throw new InvalidOperationException($"Unknown refund outcome {outcome}"),
        };
    }
}
