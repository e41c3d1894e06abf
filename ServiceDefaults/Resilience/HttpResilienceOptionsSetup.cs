using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Resilience;

/// <summary>
/// Binds every client's named options from the shared section and then the client's own, so a client overrides only
/// the keys it sets. Names are not known at registration (ConfigureHttpClientDefaults), hence a named-options setup
/// that handles any name.
/// </summary>
internal sealed class HttpResilienceOptionsSetup(IConfiguration? configuration) : IConfigureNamedOptions<HttpResilienceOptions>
{
    public const string SharedSection = "HttpClient:Resilience";

    public static string ClientSection(string clientName) => $"HttpClient:{clientName}:Resilience";

    public void Configure(string? name, HttpResilienceOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        configuration.GetSection(SharedSection).Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            configuration.GetSection(ClientSection(name)).Bind(options);
        }
    }

    public void Configure(HttpResilienceOptions options) => Configure(Options.DefaultName, options);
}

internal sealed class HttpResilienceOptionsValidator : IValidateOptions<HttpResilienceOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpResilienceOptions options)
    {
        List<string> failures = [];
        if (options.AttemptTimeout > options.TotalRequestTimeout)
        {
            failures.Add($"AttemptTimeout ({options.AttemptTimeout}) must not exceed TotalRequestTimeout ({options.TotalRequestTimeout}).");
        }

        if (options.Retry.MaxRetryAttempts < 0)
        {
            failures.Add("Retry:MaxRetryAttempts must be 0 (no retries) or more.");
        }

        if (options.CircuitBreaker.FailureRatio is <= 0 or > 1)
        {
            failures.Add("CircuitBreaker:FailureRatio must be in (0, 1].");
        }

        return failures.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(failures.Select(f => $"HttpClient '{name}' resilience: {f}"));
    }
}
