namespace Platform.AppHost;

internal static class GeneratedSecrets
{
    /// <summary>A secret generated on the first run and kept in the AppHost's user secrets (<c>persist</c>), as Aspire
    /// keeps its servers' passwords: data kept across runs stays reachable with the same credentials. A deployment
    /// generates it once, from the manifest.</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedSecret(this IDistributedApplicationBuilder builder, string name, int minLength) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = minLength, Special = false, MinLower = 1, MinUpper = 1, MinNumeric = 1 }, secret: true, persist: true);
}
