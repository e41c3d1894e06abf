using Aspire.Hosting.ApplicationModel;
using Platform.Hosting.StartupReport;

namespace Aspire.Hosting;

public static class StartupReportExtensions
{
    /// <summary>Prints <c>&lt;name&gt; is healthy &lt;url&gt;</c> per resource and a summary line once all are healthy (run mode only).</summary>
    public static IDistributedApplicationBuilder AddHealthyResourceReport(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
            {
                _ = Task.Run(() => new HealthyResourceReporter(Console.Out).RunAsync(e.Services, e.Model));
                return Task.CompletedTask;
            });
        }

        return builder;
    }
}
