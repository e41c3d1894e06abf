using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Dashboard.Api;

/// <summary>Resources (snapshots), their console output, and the stop/start/restart commands.</summary>
internal static class ResourceApi
{
    public static void Map(WebApplication app, IServiceProvider services, CancellationToken stopping)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var consoleLogs = services.GetRequiredService<ResourceLoggerService>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.Dashboard");

        app.MapGet("/api/resources", () => Results.Json(notifications.Snapshots.Select(s => new
        {
            s.Name,
            s.ResourceName,
            Type = s.ResourceType,
            s.State,
            Health = s.Health.ToString(),
            s.HealthDescription,
            s.Urls,
            s.ProcessIds,
            s.StartedAt,
            s.StoppedAt,
            s.ExitCode,
            s.Restarts,
        })));

        app.MapGet("/api/console/{instance}", (string instance, long? after) =>
        {
            if (!notifications.Snapshots.Any(s => s.Name.Equals(instance, StringComparison.OrdinalIgnoreCase)))
            {
                return Results.NotFound();
            }

            var lines = consoleLogs.GetLines(instance);
            return Results.Json(lines.Where(l => l.Sequence > (after ?? 0)).Select(l => new { l.Sequence, l.Timestamp, l.Text, l.IsError }));
        });

        app.MapPost("/api/resources/{name}/{command}", (string name, string command) =>
        {
            if (!Enum.TryParse<ResourceCommand>(command, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                return Results.BadRequest();
            }

            if (!notifications.Snapshots.Any(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase)
                || s.ResourceName.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                return Results.NotFound();
            }

            var orchestrator = services.GetRequiredService<ApplicationOrchestrator>();
            // A stop waits for the process to exit (up to its grace period); the page follows the state instead of waiting.
            _ = Task.Run(async () =>
            {
                try
                {
                    await orchestrator.ExecuteCommandAsync(name, parsed, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Dashboard command {Command} {Resource} failed", parsed, name);
                }
            }, CancellationToken.None);
            return Results.Accepted();
        });
    }
}
