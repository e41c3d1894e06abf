using Platform.Payment.Infrastructure;

namespace Platform.Payment.Apis;

public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/payments/{orderId:guid}", async (Guid orderId, PaymentRepository payments, CancellationToken cancellationToken) =>
            await payments.FindAsync(orderId, cancellationToken) is { } payment ? Results.Ok(payment) : Results.NotFound());
        return app;
    }
}
