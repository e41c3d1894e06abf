using System.Net;
using System.Text;
using Platform.Payment.Infrastructure;
using Platform.Payment.Model;
using Xunit;

namespace Platform.Payment.Tests;

public sealed class ProviderResponseClassificationTests
{
    [Fact]
    public async Task Created_with_an_id_is_a_charge()
    {
        var attempt = await ClassifyAsync(HttpStatusCode.Created, """{"id":"ch_42","amount":10.5,"status":"succeeded"}""");
        Assert.Equal(new ChargeAttempt.Charged("ch_42"), attempt);
    }

    [Fact]
    public async Task A_replayed_charge_of_another_amount_or_a_refused_key_reuse_is_a_conflict_not_a_payment()
    {
        Assert.IsType<ChargeAttempt.Conflicting>(await ClassifyAsync(HttpStatusCode.Created, """{"id":"ch_42","amount":99,"status":"succeeded"}"""));
        Assert.IsType<ChargeAttempt.Conflicting>(await ClassifyAsync(HttpStatusCode.BadRequest, """{"error":"idempotency_key_reused"}"""));
        Assert.Equal(new PaymentDecision.Fail(PaymentDecision.ChargeConflict, MayHaveCharged: true),
            PaymentDecision.Decide(new ChargeAttempt.Conflicting("x"), TimeSpan.Zero, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task Payment_required_is_a_refusal_with_the_provider_error()
    {
        var attempt = await ClassifyAsync(HttpStatusCode.PaymentRequired, """{"error":"card_declined"}""");
        Assert.Equal(new ChargeAttempt.Refused("card_declined"), attempt);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Transient_statuses_mean_unavailable_not_refused(HttpStatusCode status) =>
        Assert.IsType<ChargeAttempt.Unavailable>(await ClassifyAsync(status, """{"error":"provider_unavailable"}"""));

    [Fact]
    public async Task Another_client_error_is_final_and_says_which()
    {
        var attempt = await ClassifyAsync(HttpStatusCode.BadRequest, """{"error":"invalid_amount"}""");
        Assert.Equal(new ChargeAttempt.Refused("rejected_400: invalid_amount"), attempt);
    }

    [Fact]
    public async Task A_success_without_a_charge_id_is_not_taken_as_a_charge() =>
        Assert.IsType<ChargeAttempt.Unavailable>(await ClassifyAsync(HttpStatusCode.OK, "{}"));

    [Fact]
    public void The_idempotency_key_is_the_order() =>
        Assert.Equal("order-6f9619ff-8b86-d011-b42d-00c04fc964ff", PaymentProviderClient.IdempotencyKeyFor(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff")));

    [Fact]
    public async Task A_lookup_that_finds_the_charge_says_whether_it_was_refunded()
    {
        using var response = Response(HttpStatusCode.OK, """{"id":"ch_7","amount":12,"status":"succeeded","refunded":true}""");
        Assert.Equal(new ChargeLookup.Found("ch_7", 12m, true), await PaymentProviderClient.ClassifyLookupAsync(response, Ct));
    }

    [Fact]
    public async Task Only_the_providers_own_not_found_means_no_charge()
    {
        using var notFound = Response(HttpStatusCode.NotFound, """{"error":"charge_not_found"}""");
        Assert.IsType<ChargeLookup.NotFound>(await PaymentProviderClient.ClassifyLookupAsync(notFound, Ct));

        // A 404 from something else (a proxy, a provider without the endpoint) proves nothing about the money.
        using var bare = Response(HttpStatusCode.NotFound, "<html>not found</html>");
        Assert.IsType<ChargeLookup.Refused>(await PaymentProviderClient.ClassifyLookupAsync(bare, Ct));
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    public async Task A_transient_lookup_or_refund_answer_means_unavailable(HttpStatusCode status)
    {
        using var lookup = Response(status, """{"error":"provider_unavailable"}""");
        Assert.IsType<ChargeLookup.Unavailable>(await PaymentProviderClient.ClassifyLookupAsync(lookup, Ct));
        using var refund = Response(status, """{"error":"provider_unavailable"}""");
        Assert.IsType<RefundAttempt.Unavailable>(await PaymentProviderClient.ClassifyRefundAsync(refund, Ct));
    }

    [Fact]
    public async Task A_refund_answer_is_a_refund_an_earlier_refund_elsewhere_or_a_refusal()
    {
        using var created = Response(HttpStatusCode.Created, """{"id":"re_8","chargeId":"ch_8","amount":12,"status":"succeeded"}""");
        Assert.Equal(new RefundAttempt.Refunded("re_8"), await PaymentProviderClient.ClassifyRefundAsync(created, Ct));
        using var conflict = Response(HttpStatusCode.Conflict, """{"error":"charge_already_refunded"}""");
        Assert.IsType<RefundAttempt.AlreadyRefunded>(await PaymentProviderClient.ClassifyRefundAsync(conflict, Ct));
        using var unknown = Response(HttpStatusCode.NotFound, """{"error":"charge_not_found"}""");
        Assert.Equal(new RefundAttempt.Refused("rejected_404: charge_not_found"), await PaymentProviderClient.ClassifyRefundAsync(unknown, Ct));
    }

    [Fact]
    public void The_refund_key_is_the_order_too() =>
        Assert.Equal("refund-6f9619ff-8b86-d011-b42d-00c04fc964ff", PaymentProviderClient.RefundKeyFor(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff")));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpResponseMessage Response(HttpStatusCode status, string body) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private static async Task<ChargeAttempt> ClassifyAsync(HttpStatusCode status, string body)
    {
        using var response = Response(status, body);
        return await PaymentProviderClient.ClassifyAsync(response, 10.5m, Ct);
    }
}
