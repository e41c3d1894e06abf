using System.Security.Cryptography;
using System.Text;

namespace Platform.PaymentProvider;

/// <summary>
/// Like a real PSP, every call (admin included) carries the account's secret key: <c>Authorization: Bearer {key}</c>,
/// the key being <c>Provider:ApiKey</c>, which the AppHost generates. Without one set the provider refuses to start
/// rather than run open. Health probes are exempt.
/// </summary>
public static class ApiKeyCheck
{
    public const string ApiKeyKey = "Provider:ApiKey";

    public static IApplicationBuilder UseApiKeyCheck(this WebApplication app)
    {
        var key = app.Configuration[ApiKeyKey] is { Length: >= 16 } configured
            ? Encoding.UTF8.GetBytes("Bearer " + configured)
            : throw new InvalidOperationException($"{ApiKeyKey} must be set (at least 16 characters): the provider does not run without a key.");
        return app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/alive")
                || CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()), key))
            {
                await next(http);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsJsonAsync(new ProviderError("invalid_api_key"));
        });
    }
}
