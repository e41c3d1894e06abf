using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Publishing;

/// <summary>`--publisher manifest --output-path PATH`: writes the manifest and stops. A relative path is taken from
/// the AppHost project's directory, so the documented command works from any working directory.</summary>
internal sealed class ManifestPublishingService(
    DistributedApplicationModel model,
    DistributedApplicationExecutionContext executionContext,
    IConfiguration configuration,
    IHostEnvironment environment,
    IHostApplicationLifetime lifetime,
    ILogger<ManifestPublishingService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outputPath = configuration["Publishing:OutputPath"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, environment.ContentRootPath)
            : Path.Combine(environment.ContentRootPath, "aspire-manifest.json");
        var directory = Path.GetDirectoryName(outputPath)!;
        Directory.CreateDirectory(directory);
        var json = await ManifestWriter.WriteAsync(model, directory, executionContext).ConfigureAwait(false);
        await File.WriteAllTextAsync(outputPath, json, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Published manifest to {Path}", outputPath);
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
