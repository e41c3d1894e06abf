namespace Platform.Order.Model;

/// <summary>Body of <c>POST /api/orders</c>. Prices are not taken from the buyer: the catalog gives them.</summary>
/// <summary>What a buyer asks for; who the buyer is comes from the token, never from the body.</summary>
public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderLine>? Lines);
