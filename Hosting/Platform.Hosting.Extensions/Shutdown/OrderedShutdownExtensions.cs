using Aspire.Hosting.ApplicationModel;
using Platform.Hosting.Shutdown;

namespace Aspire.Hosting;

public static class OrderedShutdownExtensions
{
    /// <summary>When the AppHost stops, stops the projects first (waiting up to <paramref name="patience"/>) while the
    /// servers they use still run; then DCP stops the rest.</summary>
    public static IDistributedApplicationBuilder WithServicesStoppedFirst(this IDistributedApplicationBuilder builder, TimeSpan patience)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                OrderedShutdown.Register(e.Services, e.Model, patience);
                return Task.CompletedTask;
            });
        }

        return builder;
    }
}
