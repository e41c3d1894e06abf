using Platform.PaymentProvider.Options;

namespace Platform.PaymentProvider;

/// <summary>What tests and benchmarks use to make the provider slow, failing, declining or unreachable, and to
/// count charges and refunds.</summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin");
        admin.MapGet("/behaviour", (BehaviourSwitch behaviour) => behaviour.Current);
        admin.MapPut("/behaviour", (ProviderBehaviour requested, BehaviourSwitch behaviour) =>
        {
            if (requested.Validate() is { } problem)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["behaviour"] = [problem] });
            }

            behaviour.Set(requested);
            return Results.Ok(requested);
        });
        admin.MapGet("/charges", (ChargeLedger ledger, RefundLedger refunds) =>
        {
            var charges = ledger.All();
            return new ChargesReport(charges.Count, [.. charges.Select(c => ChargeResponse.Of(c, refunds))], ledger.InFlightKeys());
        });
        admin.MapGet("/refunds", (RefundLedger refunds) =>
        {
            var all = refunds.All();
            return new RefundsReport(all.Count, all);
        });
        return app;
    }
}
