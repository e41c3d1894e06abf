using System.Collections.Concurrent;

namespace Platform.PaymentProvider;

public sealed record Charge(string Id, string IdempotencyKey, decimal Amount, string Status, DateTimeOffset CreatedAt);

/// <summary>
/// Charges by idempotency key, in memory. A key charges at most once: a repeat (even a concurrent one) gets the
/// first charge back, as Stripe answers a replayed Idempotency-Key with the original response.
/// </summary>
public sealed class ChargeLedger(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Lazy<Charge>> _charges = new(StringComparer.Ordinal);

    public Charge? Find(string idempotencyKey) =>
        _charges.TryGetValue(idempotencyKey, out var charge) ? charge.Value : null;

    /// <summary>Records the charge for the key unless one exists; returns the charge that holds the key.</summary>
    public Charge ChargeOnce(string idempotencyKey, decimal amount) =>
        _charges.GetOrAdd(idempotencyKey, key => new Lazy<Charge>(() =>
            new Charge($"ch_{Guid.NewGuid():N}", key, amount, "succeeded", timeProvider.GetUtcNow()))).Value;

    public IReadOnlyList<Charge> All() => [.. _charges.Values.Select(c => c.Value).OrderBy(c => c.CreatedAt)];
}
