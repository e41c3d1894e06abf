using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Access;
using Platform.Admission;
using Platform.Gateway.Options;
using Platform.Gateway.WaitingRoom;

namespace Platform.Gateway.Apis;

/// <summary>
/// A buyer's side of a sale's waiting room: join the queue, then poll <c>status</c> until admitted. <c>status</c> is
/// the hot path and is answered from this replica's <see cref="SaleBoard"/>: no Redis round trip once the buyer's
/// place is known, and one more when they pass the admitted frontier (to learn whether they were admitted or expired).
/// </summary>
public static class WaitingRoomApi
{
    public static IEndpointRouteBuilder MapWaitingRoomApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/queue/{saleId}").WithTags("Waiting room")
            .RequireAuthorization(PlatformAccess.BuyerPolicy).RequireRateLimiting(GatewayRateLimit.PolicyName);
        api.MapPost("/join", JoinAsync).WithName("JoinQueue").AddEndpointFilter<WaitingRoomUnavailable>();
        // no filter on the hot path (a filter costs every request); its rare Redis reads map their own failures
        api.MapGet("/status", StatusAsync).WithName("QueueStatus");
        return app;
    }

    internal static async Task<Results<Created<Ticket>, Ok<Ticket>, ProblemHttpResult>> JoinAsync(
        string saleId, ClaimsPrincipal user, HttpContext http, WaitingRoomStore store, SaleBoard board)
    {
        if (!SalesApi.IsSaleId(saleId))
        {
            return SalesApi.NoSale(saleId);
        }

        var buyer = user.BuyerId();
        var (outcome, place, state) = await store.JoinAsync(saleId, buyer);
        switch (outcome)
        {
            case JoinOutcome.UnknownSale:
                return SalesApi.NoSale(saleId);
            case JoinOutcome.NotOpen:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Sale not open",
                    detail: $"Sale {saleId} is {state}; it admits nobody new.", extensions: new Dictionary<string, object?> { ["state"] = state });
            case JoinOutcome.Full:
                http.Response.Headers.RetryAfter = "30";
                return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Queue full",
                    detail: $"Sale {saleId}'s queue holds as many buyers as it can; try again later.");
        }

        if (board.Find(saleId) is { } view)
        {
            view.Forget(buyer);
            view.RememberPlace(buyer, place);
        }

        var ticket = new Ticket(saleId, place, outcome == JoinOutcome.Joined);
        return outcome == JoinOutcome.Joined ? TypedResults.Created($"/api/queue/{saleId}/status", ticket) : TypedResults.Ok(ticket);
    }

    internal static async Task<Results<Ok<TicketStatus>, ProblemHttpResult>> StatusAsync(
        string saleId, ClaimsPrincipal user, HttpContext http, SaleBoard board, WaitingRoomStore store, AdmissionTokens tokens,
        WaitingRoomMetrics metrics, PollPacer pacer, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await board.FindAsync(saleId, cancellationToken) is not { } sale)
        {
            return SalesApi.NoSale(saleId);
        }

        var buyer = user.BuyerId();
        try
        {
            if (!sale.TryGetPlace(buyer, out var place))
            {
                if (await store.PlaceAsync(saleId, buyer) is not { } known)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not in the queue",
                        detail: $"You have no place in sale {saleId}'s queue; join it first (POST /api/queue/{saleId}/join).");
                }

                place = known;
                sale.RememberPlace(buyer, place);
            }

            sale.Polled(buyer);
            metrics.Polled(saleId);
            var snapshot = sale.Snapshot;
            var status = place > snapshot.Frontier
                ? Waiting(sale, place, time)
                : await OutcomeAsync(sale, buyer, place, store, tokens, time);
            var poll = pacer.PollAfter(status.EstimatedWaitSeconds, TimeSpan.FromMilliseconds(snapshot.IdleMs));
            http.Response.Headers.RetryAfter = PollPacer.Header(poll);
            return TypedResults.Ok(status with { PollAfterSeconds = poll });
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            // only a buyer this replica knows nothing of yet (or who just passed the frontier) needs Redis
            http.Response.Headers.RetryAfter = "2";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Waiting room unavailable",
                detail: "Your place cannot be read right now; it is kept. Poll again shortly.");
        }
    }

    private static TicketStatus Waiting(SaleView sale, long place, TimeProvider time)
    {
        var snapshot = sale.Snapshot;
        var state = snapshot.State switch
        {
            "open" => TicketStates.Waiting,
            "sold-out" => TicketStates.SoldOut,
            _ => TicketStates.Closed,
        };
        if (state != TicketStates.Waiting)
        {
            return new TicketStatus(snapshot.Id, state, place, null, null, null, null, null, null, 0);
        }

        // everyone between the frontier and this place is ahead; some of them will have expired when reached
        var position = place - snapshot.Frontier;
        var untilStart = Math.Max(0, (snapshot.StartsAtMs - time.GetUtcNow().ToUnixTimeMilliseconds()) / 1000.0);
        var wait = WaitingRoomMetrics.EstimatedWait(sale, position) is { } w ? Math.Round(w + untilStart, 1) : (double?)null;
        return new TicketStatus(snapshot.Id, state, place, position, position - 1, wait, null, null, null, 0);
    }

    private static async Task<TicketStatus> OutcomeAsync(
        SaleView sale, string buyer, long place, WaitingRoomStore store, AdmissionTokens tokens, TimeProvider time)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!sale.TryGetOutcome(buyer, out var outcome) || (outcome.Record.State == 'A' && outcome.Record.ExpiresMs < now))
        {
            if (await store.AdmissionAsync(sale.Snapshot.Id, buyer) is not { } record)
            {
                // this replica's place is stale: the buyer expired and joined again at the back (through another replica)
                sale.Forget(buyer);
                return await store.PlaceAsync(sale.Snapshot.Id, buyer) is { } current && current > sale.Snapshot.Frontier
                    ? Waiting(sale, current, time)
                    : new TicketStatus(sale.Snapshot.Id, TicketStates.Waiting, place, 1, 0, null, null, null, null, 0);
            }

            var token = record.IsAdmission ? tokens.Create(sale.Snapshot.Id, buyer, DateTimeOffset.FromUnixTimeMilliseconds(record.ExpiresMs)) : null;
            outcome = (record, token);
            sale.RememberOutcome(buyer, record, token);
        }

        var (admission, admissionToken) = outcome;
        var admittedAt = DateTimeOffset.FromUnixTimeMilliseconds(admission.AdmittedAtMs);
        return admission.IsAdmission && !(admission.State == 'A' && admission.ExpiresMs < now)
            ? new TicketStatus(sale.Snapshot.Id, TicketStates.Admitted, place, 0, 0, 0, admissionToken,
                DateTimeOffset.FromUnixTimeMilliseconds(admission.ExpiresMs), admittedAt, 0)
            : new TicketStatus(sale.Snapshot.Id, TicketStates.Expired, place, null, null, null, null, null, admittedAt, 0);
    }
}
