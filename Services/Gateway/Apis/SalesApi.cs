using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Access;
using Platform.Gateway.Options;
using Platform.Gateway.WaitingRoom;

namespace Platform.Gateway.Apis;

/// <summary>An administrator's side of the waiting room: open a sale, read its live figures, close it.</summary>
public static partial class SalesApi
{
    public static IEndpointRouteBuilder MapSalesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/queue/sales").WithTags("Waiting room")
            .RequireAuthorization(PlatformAccess.CatalogAdminPolicy).RequireRateLimiting(GatewayRateLimit.PolicyName)
            .AddEndpointFilter<WaitingRoomUnavailable>();
        api.MapPost("/", OpenAsync).WithName("OpenSale");
        api.MapGet("/", ListAsync).WithName("ListSales");
        api.MapGet("/{saleId}", GetAsync).WithName("GetSale");
        api.MapPost("/{saleId}/close", CloseAsync).WithName("CloseSale");
        return app;
    }

    public static bool IsSaleId(string? id) => id is not null && id != "sales" && SaleIdPattern().IsMatch(id);

    internal static async Task<Results<Created<SaleFigures>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        OpenSaleRequest? request, WaitingRoomStore store, SaleBoard board, IOptions<WaitingRoomOptions> options)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (request!.MaxBuyers > options.Value.MaxBuyersPerSale)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["maxBuyers"] = [$"maxBuyers is at most {options.Value.MaxBuyersPerSale}."] });
        }

        var products = request!.ProductIds!;
        if (products.Select(board.GatingSaleOf).OfType<SaleView>().FirstOrDefault() is { } other)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Products already on sale",
                detail: $"Sale {other.Snapshot.Id} holds some of these products until it is closed; a product is in one sale at a time.");
        }

        var creation = await store.CreateAsync(request.Id!, products, request.AdmissionRatePerSecond!.Value, request.StartsAt, request.MaxAdmitted ?? 0,
            TimeSpan.FromSeconds(request.IdleTimeoutSeconds ?? 60), TimeSpan.FromSeconds(request.AdmissionSeconds ?? 120),
            TimeSpan.FromHours(request.DurationHours ?? 24), request.MaxBuyers);
        if (creation != SaleCreation.Created)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Sale not created", detail: creation switch
            {
                SaleCreation.Exists => $"A sale {request.Id} exists already.",
                SaleCreation.TooManySales => $"As many sales exist as the gateway keeps ({options.Value.MaxSales}); close one, or wait for a closed one to expire.",
                _ => $"The open sales' buyers and this one's would exceed the {options.Value.MaxBuyersAcrossSales} the waiting room keeps; open it with a smaller maxBuyers, or close a sale.",
            });
        }

        var figures = await FiguresAsync(store, request.Id!);
        return TypedResults.Created($"/api/queue/sales/{request.Id}", figures!);
    }

    internal static async Task<Ok<IReadOnlyList<SaleFigures>>> ListAsync(WaitingRoomStore store) =>
        TypedResults.Ok<IReadOnlyList<SaleFigures>>([.. (await store.ReadAllAsync()).Select(s => s.ToFigures())]);

    internal static async Task<Results<Ok<SaleFigures>, ProblemHttpResult>> GetAsync(string saleId, WaitingRoomStore store) =>
        await FiguresAsync(store, saleId) is { } figures ? TypedResults.Ok(figures) : NoSale(saleId);

    internal static async Task<Results<Ok<SaleFigures>, ProblemHttpResult>> CloseAsync(string saleId, WaitingRoomStore store) =>
        IsSaleId(saleId) && await store.CloseAsync(saleId) && await FiguresAsync(store, saleId) is { } figures
            ? TypedResults.Ok(figures)
            : NoSale(saleId);

    internal static Dictionary<string, string[]> Validate(OpenSaleRequest? request)
    {
        var errors = new Dictionary<string, string[]>();
        if (request is null)
        {
            errors["body"] = ["A JSON body { id, productIds, admissionRatePerSecond } is required."];
            return errors;
        }

        Check(IsSaleId(request.Id), "id", "id is 1-64 lower-case letters, digits and dashes, starting with a letter or digit.");
        Check(request.ProductIds is { Count: > 0 and <= 100 } ids && ids.All(id => id > 0) && ids.Distinct().Count() == ids.Count,
            "productIds", "productIds lists 1 to 100 distinct positive product ids.");
        Check(request.AdmissionRatePerSecond is > 0 and <= 100_000, "admissionRatePerSecond", "admissionRatePerSecond is above 0 and at most 100000.");
        Check(request.StartsAt is null || request.StartsAt < DateTimeOffset.UtcNow.AddDays(30), "startsAt", "startsAt is within 30 days.");
        Check(request.MaxAdmitted is null or (>= 1 and <= 10_000_000), "maxAdmitted", "maxAdmitted is between 1 and 10000000.");
        Check(request.IdleTimeoutSeconds is null or (>= 3 and <= 3600), "idleTimeoutSeconds", "idleTimeoutSeconds is between 3 and 3600.");
        Check(request.AdmissionSeconds is null or (>= 1 and <= 3600), "admissionSeconds", "admissionSeconds is between 1 and 3600.");
        Check(request.DurationHours is null or (>= 1 and <= 168), "durationHours", "durationHours is between 1 and 168.");
        Check(request.MaxBuyers is null or >= 1, "maxBuyers", "maxBuyers is at least 1.");
        return errors;

        void Check(bool valid, string field, string message)
        {
            if (!valid)
            {
                errors[field] = [message];
            }
        }
    }

    private static async Task<SaleFigures?> FiguresAsync(WaitingRoomStore store, string saleId) =>
        IsSaleId(saleId) ? (await store.ReadAsync(saleId))?.ToFigures() : null;

    internal static ProblemHttpResult NoSale(string saleId) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such sale", detail: $"There is no sale {saleId}.");

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex SaleIdPattern();
}
