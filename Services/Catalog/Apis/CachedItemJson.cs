using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Platform.Catalog.Apis;

/// <summary>
/// The UTF-8 JSON of each cached item instance, produced on its first response and reused while that instance is
/// the cached one: an L1 hit then costs a lookup and a copy, not a serialisation. Keyed by instance (a write or a
/// refresh makes a new instance), held weakly so it lives exactly as long as the cached object.
/// </summary>
public sealed class CachedItemJson(IOptions<JsonOptions> jsonOptions)
{
    private readonly ConditionalWeakTable<CatalogItem, byte[]> _json = [];
    private readonly JsonSerializerOptions _options = jsonOptions.Value.SerializerOptions;

    public byte[] For(CatalogItem item) =>
        _json.TryGetValue(item, out var bytes) ? bytes : _json.GetValue(item, i => JsonSerializer.SerializeToUtf8Bytes(i, _options));
}
