namespace Platform.Catalog.Options;

/// <summary>Section <c>Catalog:WarmUp</c>.</summary>
public sealed class CacheWarmUpOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How many products to load: the bestsellers, topped up with the first products of the catalog.</summary>
    public int Count { get; set; } = 2_000;

    public int BatchSize { get; set; } = 250;
}
