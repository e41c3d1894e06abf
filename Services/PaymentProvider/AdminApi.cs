namespace Platform.PaymentProvider;

public sealed record ChargesReport(int Count, IReadOnlyList<Charge> Charges);

/// <summary>What tests and benchmarks use to make the provider slow, failing or declining, and to count charges.</summary>
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
        admin.MapGet("/charges", (ChargeLedger ledger) =>
        {
            var charges = ledger.All();
            return new ChargesReport(charges.Count, charges);
        });
        return app;
    }
}
