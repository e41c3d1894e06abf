namespace Platform.Admission;

/// <summary>
/// The rule for an order's <c>Idempotency-Key</c>, one for the order service, which stores it, and the gateway's order
/// gate, which writes it into the admission's record in Redis (a <c>|</c>-delimited string, so the key cannot hold one).
/// </summary>
public static class OrderIdempotencyKey
{
    public const string Header = "Idempotency-Key";

    public const int MaxLength = 128;

    public const string Rule = "1-128 printable ASCII characters other than '|', the same for every retry of one purchase";

    public static bool IsValid(string key) =>
        key.Length is > 0 and <= MaxLength && !key.AsSpan().ContainsAnyExceptInRange(' ', '~') && !key.Contains('|', StringComparison.Ordinal);
}
