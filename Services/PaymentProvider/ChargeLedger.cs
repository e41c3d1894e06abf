using System.Collections.Concurrent;

namespace Platform.PaymentProvider;

/// <summary>
/// Charges by idempotency key, in memory. A key charges at most once: a repeat (even a concurrent one) gets the
/// first charge back, as Stripe answers a replayed Idempotency-Key with the original response.
/// </summary>
public sealed class ChargeLedger(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Lazy<Charge>> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Charge> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    public Charge? Find(string idempotencyKey) =>
        _charges.TryGetValue(idempotencyKey, out var charge) ? charge.Value : null;

    public Charge? FindById(string chargeId) => _byId.GetValueOrDefault(chargeId);

    /// <summary>Records the charge for the key unless one exists; returns the charge that holds the key.</summary>
    public Charge ChargeOnce(string idempotencyKey, decimal amount) =>
        _charges.GetOrAdd(idempotencyKey, key => new Lazy<Charge>(() =>
        {
            var charge = new Charge($"ch_{Guid.NewGuid():N}", key, amount, "succeeded", timeProvider.GetUtcNow());
            _byId[charge.Id] = charge;
            return charge;
        })).Value;

    public IReadOnlyList<Charge> All() => [.. _charges.Values.Select(c => c.Value).OrderBy(c => c.CreatedAt)];

    /// <summary>
    /// Marks a charge request for the key as accepted and not yet answered until the returned scope ends, so a test
    /// can tell that a request reached the provider before it makes the provider unreachable.
    /// </summary>
    public InFlight Accept(string idempotencyKey)
    {
        _inFlight.AddOrUpdate(idempotencyKey, 1, (_, count) => count + 1);
        return new InFlight(this, idempotencyKey);
    }

    public IReadOnlyList<string> InFlightKeys() => [.. _inFlight.Keys.Order(StringComparer.Ordinal)];

    public readonly struct InFlight(ChargeLedger ledger, string key) : IDisposable
    {
        public void Dispose()
        {
            var pending = ledger._inFlight.AddOrUpdate(key, 0, (_, count) => count - 1);
            if (pending <= 0)
            {
                // Removes only the zero we just wrote: a request arriving in between made it non-zero again.
                ledger._inFlight.TryRemove(new KeyValuePair<string, int>(key, pending));
            }
        }
    }
}
