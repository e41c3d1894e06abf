namespace Platform.PaymentProvider;

/// <summary>
/// Refunds by idempotency key, in memory. One lock for all of them: refunds are rare, and a charge must never be
/// refunded beyond its amount by two keys racing.
/// </summary>
public sealed class RefundLedger(ChargeLedger charges, TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Refund> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, decimal> _refundedByCharge = new(StringComparer.Ordinal);

    public Refund? Find(string idempotencyKey)
    {
        lock (_lock)
        {
            return _byKey.GetValueOrDefault(idempotencyKey);
        }
    }

    public decimal RefundedOf(string chargeId)
    {
        lock (_lock)
        {
            return _refundedByCharge.GetValueOrDefault(chargeId);
        }
    }

    /// <summary>Refunds <paramref name="amount"/> (null: what is left) of the charge once per key.</summary>
    public (RefundOutcome Outcome, Refund? Refund) RefundOnce(string idempotencyKey, string chargeId, decimal? amount)
    {
        lock (_lock)
        {
            if (_byKey.TryGetValue(idempotencyKey, out var existing))
            {
                // Stripe refuses a key reused with other parameters rather than answering a refund of something else.
                return existing.ChargeId == chargeId && (amount is null || amount == existing.Amount)
                    ? (RefundOutcome.Replayed, existing)
                    : (RefundOutcome.KeyReusedWithOtherParameters, null);
            }

            if (charges.FindById(chargeId) is not { } charge)
            {
                return (RefundOutcome.ChargeNotFound, null);
            }

            var refundable = charge.Amount - _refundedByCharge.GetValueOrDefault(chargeId);
            if (refundable <= 0)
            {
                return (RefundOutcome.ChargeAlreadyRefunded, null);
            }

            if (amount > refundable)
            {
                return (RefundOutcome.AmountExceedsRefundable, null);
            }

            var refund = new Refund($"re_{Guid.NewGuid():N}", idempotencyKey, chargeId, charge.IdempotencyKey, amount ?? refundable, "succeeded", timeProvider.GetUtcNow());
            _byKey[idempotencyKey] = refund;
            _refundedByCharge[chargeId] = charge.Amount - refundable + refund.Amount;
            return (RefundOutcome.Created, refund);
        }
    }

    public IReadOnlyList<Refund> All()
    {
        lock (_lock)
        {
            return [.. _byKey.Values.OrderBy(r => r.CreatedAt)];
        }
    }
}
