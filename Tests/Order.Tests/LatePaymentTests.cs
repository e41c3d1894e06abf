using System.Net.Http.Json;
using MassTransit;
using Platform.Contracts.IntegrationEvents;
using Platform.Testing;
using Xunit;

namespace Platform.Order.Tests;

[Collection(OrderServiceCollection.Name)]
public sealed class LatePaymentTests(OrderServiceFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_payment_that_succeeds_after_the_timeout_cancelled_the_order_is_refunded_and_the_order_stays_cancelled()
    {
        // An order whose payment was requested an hour ago and never answered: the sweeper cancels it.
        var orderId = Guid.NewGuid();
        await InsertStaleOrderAsync(orderId, total: 30m);
        await WaitUntilAsync(async () => (await StatusAsync(orderId)) == "cancelled", TimeSpan.FromSeconds(30));

        // Then the payment service, which was waiting out its provider, reports success, and the broker delivers it twice.
        var late = new PaymentSucceeded(orderId, "ch_late", 30m);
        var messageId = NewId.NextGuid();
        var mark = fixture.App.LogMark();
        var endpoint = await fixture.Sender.GetSendEndpoint(new Uri("queue:payment-succeeded"));
        await endpoint.Send(late, context => context.MessageId = messageId, Ct);
        await endpoint.Send(late, context => context.MessageId = messageId, Ct);

        await WaitUntilAsync(() => Task.FromResult(OrderServiceFixture.Refunds.ContainsKey(orderId)), TimeSpan.FromSeconds(30));
        // the second delivery was dropped, so no second refund is asked for
        await fixture.App.WaitForLogAsync("order", PlatformApp.InboxDropped(nameof(PaymentSucceeded), messageId), mark, TimeSpan.FromSeconds(30), cancellationToken: Ct);
        var refund = Assert.Single(OrderServiceFixture.Refunds[orderId]);
        Assert.Equal((orderId, "ch_late", 30m), (refund.OrderId, refund.PaymentId, refund.Amount));
        Assert.Contains("not completed within", refund.Reason, StringComparison.Ordinal);
        Assert.Equal("cancelled", await StatusAsync(orderId));
    }

    [Fact]
    public async Task A_payment_of_another_amount_than_the_order_asked_for_neither_confirms_nor_cancels_it()
    {
        // whoever can publish PaymentSucceeded must also know the exact total the order asked the payment service for
        var orderId = Guid.NewGuid();
        await InsertStaleOrderAsync(orderId, total: 30m, age: TimeSpan.Zero);
        var mark = fixture.App.LogMark();
        var endpoint = await fixture.Sender.GetSendEndpoint(new Uri("queue:payment-succeeded"));
        await endpoint.Send(new PaymentSucceeded(orderId, "ch_forged", 0.01m), Ct);

        await fixture.App.WaitForLogAsync("order", $"Ignored payment ch_forged for order {orderId}", mark, TimeSpan.FromSeconds(30), cancellationToken: Ct);
        Assert.Equal("stockReserved", await StatusAsync(orderId));

        await endpoint.Send(new PaymentSucceeded(orderId, "ch_real", 30.00m), Ct);
        await WaitUntilAsync(async () => (await StatusAsync(orderId)) == "confirmed", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task An_outcome_that_does_not_name_the_payment_the_order_asked_for_neither_confirms_nor_cancels_it()
    {
        // the right amount is not enough: the order kept the id of the payment it asked for, and only its answer counts
        var orderId = Guid.NewGuid();
        var requested = Guid.NewGuid();
        await InsertStaleOrderAsync(orderId, total: 30m, age: TimeSpan.Zero, paymentRequest: requested);
        var mark = fixture.App.LogMark();
        var succeeded = await fixture.Sender.GetSendEndpoint(new Uri("queue:payment-succeeded"));
        var failed = await fixture.Sender.GetSendEndpoint(new Uri("queue:payment-failed"));
        await succeeded.Send(new PaymentSucceeded(orderId, "ch_unnamed", 30m), Ct);
        await succeeded.Send(new PaymentSucceeded(orderId, "ch_other", 30m, Guid.NewGuid()), Ct);
        await failed.Send(new PaymentFailed(orderId, "forged decline", Guid.NewGuid()), Ct);

        await fixture.App.WaitForLogAsync("order", $"for order {orderId}: it answers request", mark, TimeSpan.FromSeconds(30), count: 3, cancellationToken: Ct);
        Assert.Equal("stockReserved", await StatusAsync(orderId));

        await succeeded.Send(new PaymentSucceeded(orderId, "ch_real", 30m, requested), Ct);
        await WaitUntilAsync(async () => (await StatusAsync(orderId)) == "confirmed", TimeSpan.FromSeconds(30));
    }

    private async Task InsertStaleOrderAsync(Guid orderId, decimal total, TimeSpan? age = null, Guid? paymentRequest = null)
    {
        await using var command = fixture.OrderDb.CreateCommand("""
            INSERT INTO orders (id, buyer_id, status, total, idempotency_key, request_hash, created_at, updated_at, payment_request_id)
            VALUES (@id, @buyer, 'StockReserved', @total, @key, 'test', now() - @age, now() - @age, @request);
            INSERT INTO order_lines (order_id, product_id, quantity, unit_price) VALUES (@id, 1, 1, @total);
            """);
        command.Parameters.AddWithValue("id", orderId);
        command.Parameters.AddWithValue("buyer", fixture.AliceId);
        command.Parameters.AddWithValue("total", total);
        command.Parameters.AddWithValue("age", age ?? TimeSpan.FromHours(1));
        command.Parameters.Add(new global::Npgsql.NpgsqlParameter("request", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)paymentRequest ?? DBNull.Value });
        command.Parameters.AddWithValue("key", $"late-{orderId}");
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string?> StatusAsync(Guid orderId) =>
        (await fixture.Orders.GetFromJsonAsync<OrderView>($"/api/orders/{orderId}", Ct))?.Status;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"condition not met within {timeout}");
            await Task.Delay(200, Ct);
        }
    }

    private sealed record OrderView(Guid Id, string Status, string? StatusReason);
}
