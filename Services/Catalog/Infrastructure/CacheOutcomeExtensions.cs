namespace Platform.Catalog.Infrastructure;

public static class CacheOutcomeExtensions
{
    public static string ToHeader(this CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.HitL1 => "HIT-L1",
        CacheOutcome.HitL2 => "HIT-L2",
        CacheOutcome.Stale => "STALE",
        _ => "MISS",
    };
}
