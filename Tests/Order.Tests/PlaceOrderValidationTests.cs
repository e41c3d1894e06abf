using Platform.Order.Apis;
using Platform.Order.Model;
using Xunit;

namespace Platform.Order.Tests;

public sealed class PlaceOrderValidationTests
{
    [Fact]
    public void A_well_formed_order_has_no_errors() =>
        Assert.Empty(OrdersApi.Validate(new PlaceOrderRequest([new(1, 2), new(7, 1)])));

    [Fact]
    public void Lines_are_bounded_and_well_formed()
    {
        Assert.Contains("body", OrdersApi.Validate(null).Keys);
        Assert.Contains("lines", OrdersApi.Validate(new PlaceOrderRequest([])).Keys);
        Assert.Contains("lines", OrdersApi.Validate(new PlaceOrderRequest([.. Enumerable.Range(1, 51).Select(i => new PlaceOrderLine(i, 1))])).Keys);
        Assert.Contains("lines.productId", OrdersApi.Validate(new PlaceOrderRequest([new(0, 1)])).Keys);
        Assert.Contains("lines.quantity", OrdersApi.Validate(new PlaceOrderRequest([new(1, 0)])).Keys);
        Assert.Contains("lines.quantity", OrdersApi.Validate(new PlaceOrderRequest([new(1, 101)])).Keys);
        Assert.Contains("lines", OrdersApi.Validate(new PlaceOrderRequest([new(3, 1), new(3, 2)])).Keys);
    }
}
