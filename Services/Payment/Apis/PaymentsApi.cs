using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Payment.Infrastructure;
using Platform.Payment.Model;

namespace Platform.Payment.Apis;

public static class PaymentsApi
{
    public static IEndpointRouteBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/payments").WithTags("Payments (internal)")
            .RequireServiceScope(PlatformAccess.PaymentInternalScope);
        api.MapGet("/{orderId:guid}", GetPaymentAsync).WithName("GetPayment");
        return app;
    }

    internal static async Task<Results<Ok<PaymentRecord>, ProblemHttpResult>> GetPaymentAsync(Guid orderId, PaymentRepository payments, CancellationToken cancellationToken) =>
        await payments.FindAsync(orderId, cancellationToken) is { } payment
            ? TypedResults.Ok(payment)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Payment not found", detail: $"No payment for order {orderId}.");
}
