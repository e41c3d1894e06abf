using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Hosting.HealthGates;

namespace Aspire.Hosting;

public static class HealthGateExtensions
{
    /// <summary>Re-checks an unhealthy resource every <paramref name="step"/> × failures (Aspire: 1 s × failures, at most
    /// 5 steps), so <c>WaitFor</c> releases soon after a dependency is up.</summary>
    public static IDistributedApplicationBuilder WithUnhealthyRecheckStep(this IDistributedApplicationBuilder builder, TimeSpan step)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            if (!HealthRecheckCadence.TrySetUnhealthyStep(e.Services, step))
            {
                e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.HealthGates")
                    .LogWarning("This Aspire version has no {Property}: health re-checks keep Aspire's own pace.", HealthRecheckCadence.StepPropertyName);
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
