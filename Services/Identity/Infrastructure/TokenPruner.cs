using OpenIddict.Abstractions;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// Keeps OpenIddict's tables bounded: it stores a row per issued token (a service asking for a token every 15 minutes
/// adds 96 a day), so every hour the tokens and authorizations that ended more than <see cref="Keep"/> ago are deleted.
/// </summary>
internal sealed class TokenPruner(IServiceScopeFactory scopes, ILogger<TokenPruner> logger) : BackgroundService
{
    /// <summary>Longer than a refresh token lives, so a replayed refresh token is still recognised as redeemed.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromDays(8);

    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var threshold = DateTimeOffset.UtcNow - Keep;
                var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, stoppingToken);
                var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, stoppingToken);
                logger.LogInformation("Pruned {Tokens} token(s) and {Authorizations} authorization(s) older than {Threshold:u}.", tokens, authorizations, threshold);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // the next hour tries again; a database outage must not stop the pruning for good
                logger.LogWarning(ex, "Pruning OpenIddict's tokens failed.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
