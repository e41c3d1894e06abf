using Aspire.Hosting.ApplicationModel;
using Platform.Hosting.Shutdown;

namespace Aspire.Hosting;

public static class OrderedShutdownExtensions
{
    /// <summary>
    /// A clean, quick stop: when the AppHost stops, its projects stop first (waiting up to <paramref name="patience"/>)
    /// while the servers they use still run, then DCP stops the rest. And every project gives up an OTLP export after
    /// <paramref name="exportTimeout"/> (the SDK's default is 10 s): the dashboard runs on this machine, so an export
    /// that takes longer means it is gone, as when the AppHost was killed and DCP tears everything down at once;
    /// a service must not spend its shutdown waiting on it.
    /// </summary>
    public static IDistributedApplicationBuilder WithQuickShutdown(this IDistributedApplicationBuilder builder, TimeSpan patience, TimeSpan exportTimeout)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var timeout = ((int)exportTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                OrderedShutdown.Register(e.Services, e.Model, patience);
                foreach (var project in e.Model.Resources.OfType<ProjectResource>())
                {
                    project.Annotations.Add(new EnvironmentCallbackAnnotation(context =>
                        context.EnvironmentVariables.TryAdd("OTEL_EXPORTER_OTLP_TIMEOUT", timeout)));
                }

                return Task.CompletedTask;
            });
        }

        return builder;
    }
}
