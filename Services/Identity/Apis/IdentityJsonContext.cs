using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Identity.Apis;

/// <summary>The identity service's JSON, generated at build time like every service's (ServiceDefaults' PlatformJson).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserView))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
