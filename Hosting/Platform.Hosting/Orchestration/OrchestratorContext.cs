using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Platform.Hosting.Orchestration;

/// <summary>What every instance runner shares.</summary>
internal sealed record OrchestratorContext(
    ResourceNotificationService Notifications,
    ResourceLoggerService Logs,
    RunDirectory RunDirectory,
    ProcessReaper Reaper,
    DistributedApplicationExecutionContext ExecutionContext,
    IConfiguration Configuration,
    ILogger Logger,
    CancellationToken ApplicationStopping);
