using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Platform.ServiceDefaults.Web;

/// <summary>
/// The one set of JSON settings for HTTP APIs, HttpClient calls and messages: web defaults (camelCase,
/// case-insensitive reads, numbers readable from strings), enums as camelCase strings, nulls left out.
/// </summary>
public static class PlatformJson
{
    /// <summary>A read-only, shareable instance (JsonSerializerOptions caches metadata; reuse it).</summary>
    public static JsonSerializerOptions Options { get; } = CreateReadOnly();

    /// <summary>Applies the platform settings to options someone else owns (minimal APIs, MassTransit...).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        if (!options.Converters.Any(converter => converter is JsonStringEnumConverter))
        {
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        }
    }

    private static JsonSerializerOptions CreateReadOnly()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }
}
