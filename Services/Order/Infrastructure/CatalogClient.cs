using System.Net.Http.Json;

namespace Platform.Order.Infrastructure;

/// <summary>The catalog's current prices, through service discovery (<c>http://catalog</c>, every replica) and the
/// standard resilience handler (a GET is retried on transient failures). The internal endpoint is served from the
/// catalog's cache and is not subject to its per-client limit.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public async Task<IReadOnlyDictionary<int, CatalogPrice>> GetPricesAsync(IReadOnlyCollection<int> productIds, CancellationToken cancellationToken)
    {
        var items = await http.GetFromJsonAsync<List<CatalogPrice>>(
            $"/api/catalog/internal/prices?ids={string.Join(',', productIds)}", cancellationToken) ?? [];
        return items.ToDictionary(i => i.Id);
    }
}
