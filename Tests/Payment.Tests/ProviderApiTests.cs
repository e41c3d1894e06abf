using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace Platform.Payment.Tests;

/// <summary>The simulated provider's lookup and refund endpoints, over HTTP against the running provider.</summary>
[Collection(PaymentCollection.Name)]
public sealed class ProviderApiTests(PaymentFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_charge_is_found_by_its_idempotency_key_and_an_unknown_key_is_404()
    {
        await fixture.SetBehaviourAsync();
        var key = $"api-{Guid.NewGuid()}";
        var charge = await ChargeAsync(key, 12m);

        var found = await fixture.Provider.GetFromJsonAsync<PaymentFixture.ChargeView>($"/v1/charges/by-key/{key}", Ct);
        Assert.Equal((charge.Id, 12m, false), (found!.Id, found.Amount, found.Refunded));

        using var missing = await fixture.Provider.GetAsync($"/v1/charges/by-key/api-{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("charge_not_found", await ErrorAsync(missing));
    }

    [Fact]
    public async Task A_charge_key_reused_with_another_amount_is_refused_and_charges_nothing()
    {
        await fixture.SetBehaviourAsync();
        var key = $"api-{Guid.NewGuid()}";
        var charge = await ChargeAsync(key, 12m);

        using var reused = await fixture.Provider.SendAsync(ChargeRequest(key, 13m), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", await ErrorAsync(reused));
        Assert.Equal(charge.Id, (await ChargeAsync(key, 12m)).Id); // the same parameters still replay
        Assert.Single((await fixture.ChargesAsync()).Charges, c => c.IdempotencyKey == key);
    }

    [Fact]
    public async Task A_refund_is_made_once_per_key_and_shows_on_the_charge()
    {
        await fixture.SetBehaviourAsync();
        var charge = await ChargeAsync($"api-{Guid.NewGuid()}", 20m);
        var key = $"api-refund-{Guid.NewGuid()}";

        using var first = await RefundAsync(key, new { chargeId = charge.Id });
        using var replay = await RefundAsync(key, new { chargeId = charge.Id });
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, replay.StatusCode));
        var (a, b) = (await first.Content.ReadFromJsonAsync<RefundReply>(Ct), await replay.Content.ReadFromJsonAsync<RefundReply>(Ct));
        Assert.Equal((a!.Id, charge.Id, 20m), (b!.Id, b.ChargeId, b.Amount));

        var refunds = await fixture.Provider.GetFromJsonAsync<PaymentFixture.RefundsReportView>("/admin/refunds", Ct);
        Assert.Single(refunds!.Refunds, r => r.ChargeId == charge.Id);
        var shown = (await fixture.ChargesAsync()).Charges.Single(c => c.Id == charge.Id);
        Assert.Equal((true, 20m, "succeeded"), (shown.Refunded, shown.AmountRefunded, shown.Status));
    }

    [Fact]
    public async Task Nonsense_refunds_are_refused_with_what_is_wrong()
    {
        await fixture.SetBehaviourAsync();
        var charge = await ChargeAsync($"api-{Guid.NewGuid()}", 10m);

        await AssertRefusedAsync(null, new { chargeId = charge.Id }, HttpStatusCode.BadRequest, "idempotency_key_required");
        await AssertRefusedAsync(NewKey(), new { chargeId = "" }, HttpStatusCode.BadRequest, "charge_id_required");
        await AssertRefusedAsync(NewKey(), new { chargeId = charge.Id, amount = -1m }, HttpStatusCode.BadRequest, "invalid_amount");
        await AssertRefusedAsync(NewKey(), new { chargeId = "ch_nope" }, HttpStatusCode.NotFound, "charge_not_found");
        await AssertRefusedAsync(NewKey(), new { chargeId = charge.Id, amount = 11m }, HttpStatusCode.BadRequest, "amount_exceeds_refundable");

        var partialKey = NewKey();
        using (var partial = await RefundAsync(partialKey, new { chargeId = charge.Id, amount = 4m }))
        {
            Assert.Equal(HttpStatusCode.Created, partial.StatusCode);
        }

        await AssertRefusedAsync(partialKey, new { chargeId = charge.Id, amount = 5m }, HttpStatusCode.BadRequest, "idempotency_key_reused");
        using (var rest = await RefundAsync(NewKey(), new { chargeId = charge.Id }))
        {
            Assert.Equal(6m, (await rest.Content.ReadFromJsonAsync<RefundReply>(Ct))!.Amount);
        }

        await AssertRefusedAsync(NewKey(), new { chargeId = charge.Id }, HttpStatusCode.Conflict, "charge_already_refunded");
    }

    [Fact]
    public async Task A_provider_that_is_down_answers_nothing_but_503_not_even_replays()
    {
        await fixture.SetBehaviourAsync();
        var key = $"api-{Guid.NewGuid()}";
        var charge = await ChargeAsync(key, 5m);
        await fixture.SetBehaviourAsync(down: true);
        try
        {
            using var lookup = await fixture.Provider.GetAsync($"/v1/charges/by-key/{key}", Ct);
            using var replay = await fixture.Provider.SendAsync(ChargeRequest(key, 5m), Ct);
            using var refund = await RefundAsync(NewKey(), new { chargeId = charge.Id });
            Assert.All(new[] { lookup, replay, refund }, r => Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode));
        }
        finally
        {
            await fixture.SetBehaviourAsync();
        }
    }

    private static string NewKey() => $"api-refund-{Guid.NewGuid()}";

    private async Task<PaymentFixture.ChargeView> ChargeAsync(string key, decimal amount)
    {
        using var response = await fixture.Provider.SendAsync(ChargeRequest(key, amount), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PaymentFixture.ChargeView>(Ct))!;
    }

    private static HttpRequestMessage ChargeRequest(string key, decimal amount)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/charges") { Content = JsonContent.Create(new { amount, currency = "usd" }) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private async Task<HttpResponseMessage> RefundAsync(string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/refunds") { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return await fixture.Provider.SendAsync(request, Ct);
    }

    private async Task AssertRefusedAsync(string? key, object body, HttpStatusCode status, string error)
    {
        using var response = await RefundAsync(key, body);
        Assert.Equal((status, error), (response.StatusCode, await ErrorAsync(response)));
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<ErrorReply>(Ct))?.Error;

    private sealed record RefundReply(string Id, string ChargeId, decimal Amount, string Status);

    private sealed record ErrorReply(string? Error);
}
