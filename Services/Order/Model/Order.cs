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
