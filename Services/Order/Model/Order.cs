using Platform.Contracts.IntegrationEvents;

namespace Platform.Order.Model;

/// <summary>An order as the API returns it.</summary>
public sealed record Order(
    Guid Id,
    string BuyerId,
    OrderStatus Status,
    string? StatusReason,
    decimal Total,
    IReadOnlyList<OrderLine> Lines,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>Body of <c>POST /api/orders</c>. Prices are not taken from the buyer: the catalog gives them.</summary>
/// <summary>What a buyer asks for; who the buyer is comes from the token, never from the body.</summary>
public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderLine>? Lines);

public sealed record PlaceOrderLine(int ProductId, int Quantity);
