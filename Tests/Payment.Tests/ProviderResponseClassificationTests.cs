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

    private static async Task<ChargeAttempt> ClassifyAsync(HttpStatusCode status, string body)
    {
        using var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        return await PaymentProviderClient.ClassifyAsync(response, TestContext.Current.CancellationToken);
    }
}
