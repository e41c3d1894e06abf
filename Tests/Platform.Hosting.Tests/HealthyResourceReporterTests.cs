using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Hosting.StartupReport;

namespace Platform.Hosting.Tests;

/// <summary>The console lines a newcomer reads while the system comes up.</summary>
public sealed class HealthyResourceReporterTests
{
    private readonly HealthyResourceReporter _reporter = new(TextWriter.Null);

    [Fact]
    public void A_resource_is_reported_once_when_it_first_runs_healthy_with_its_public_urls()
    {
        var order = new ContainerResource("order");

        Assert.Null(_reporter.Report(Event(order, "order-abc", KnownResourceStates.Starting, HealthStatus.Unhealthy)));
        Assert.Null(_reporter.Report(Event(order, "order-abc", KnownResourceStates.Running, HealthStatus.Unhealthy)));
        Assert.Equal("order is healthy http://localhost:5102",
            _reporter.Report(Event(order, "order-abc", KnownResourceStates.Running, HealthStatus.Healthy,
                new UrlSnapshot("http", "http://localhost:5102", IsInternal: false), new UrlSnapshot("internal", "http://localhost:4000", IsInternal: true))));
        Assert.Null(_reporter.Report(Event(order, "order-abc", KnownResourceStates.Running, HealthStatus.Healthy)));
    }

    [Fact]
    public void Replicas_go_by_their_own_names_and_parameters_and_hidden_resources_are_not_reported()
    {
        var catalog = new ContainerResource("catalog");
        catalog.Annotations.Add(new ReplicaAnnotation(2));

        Assert.Equal("catalog-x1 is healthy", _reporter.Report(Event(catalog, "catalog-x1", KnownResourceStates.Running, HealthStatus.Healthy)));
        Assert.Equal("catalog-x2 is healthy", _reporter.Report(Event(catalog, "catalog-x2", KnownResourceStates.Running, HealthStatus.Healthy)));
        Assert.Null(_reporter.Report(Event(new ParameterResource("p", _ => "v"), "p", KnownResourceStates.Running, HealthStatus.Healthy)));
        Assert.Null(_reporter.Report(Event(new ContainerResource("rebuilder"), "rebuilder", KnownResourceStates.Running, HealthStatus.Healthy, hidden: true)));
    }

    [Fact]
    public void A_run_once_resource_counts_when_it_finishes_its_work_and_not_when_it_fails()
    {
        var bootstrap = new ContainerResource("bootstrap");

        Assert.Null(_reporter.Report(Finished(bootstrap, "bootstrap-a", exitCode: 1)));
        Assert.Null(_reporter.Report(Event(bootstrap, "bootstrap-a", KnownResourceStates.Exited, HealthStatus.Unhealthy)));
        Assert.Equal("bootstrap has finished its work", _reporter.Report(Finished(bootstrap, "bootstrap-a", exitCode: 0)));
        Assert.Null(_reporter.Report(Finished(bootstrap, "bootstrap-a", exitCode: 0)));

        static ResourceEvent Finished(IResource resource, string id, int exitCode) =>
            new(resource, id, new CustomResourceSnapshot { ResourceType = "Project", Properties = [], State = KnownResourceStates.Finished, ExitCode = exitCode });
    }

    [Fact]
    public void An_instance_that_fails_on_the_way_is_told_once_hidden_server_processes_too_and_a_clean_end_is_not_a_failure()
    {
        var cacheServer = new ContainerResource("cache-server");

        Assert.Equal("cache-server-ab failed to start: its console is on the dashboard",
            _reporter.Failure(Event(cacheServer, "cache-server-ab", KnownResourceStates.FailedToStart, HealthStatus.Unhealthy, hidden: true)));
        Assert.Null(_reporter.Failure(Event(cacheServer, "cache-server-ab", KnownResourceStates.FailedToStart, HealthStatus.Unhealthy, hidden: true)));
        Assert.Equal("catalog-x2 exited with code 134: its console is on the dashboard",
            _reporter.Failure(new(new ContainerResource("catalog"), "catalog-x2", new CustomResourceSnapshot { ResourceType = "Project", Properties = [], State = KnownResourceStates.Exited, ExitCode = 134 })));
        Assert.Null(_reporter.Failure(new(new ContainerResource("bootstrap"), "bootstrap-a", new CustomResourceSnapshot { ResourceType = "Project", Properties = [], State = KnownResourceStates.Finished, ExitCode = 0 })));
        Assert.Null(_reporter.Failure(Event(new ContainerResource("order"), "order-abc", KnownResourceStates.Running, HealthStatus.Healthy)));
    }

    private static ResourceEvent Event(IResource resource, string id, string state, HealthStatus health, params UrlSnapshot[] urls) =>
        Event(resource, id, state, health, hidden: false, urls);

    private static ResourceEvent Event(IResource resource, string id, string state, HealthStatus health, bool hidden, params UrlSnapshot[] urls) =>
        new(resource, id, new CustomResourceSnapshot
        {
            ResourceType = "Test",
            Properties = [],
            State = state,
            Urls = [.. urls],
            IsHidden = hidden,
        }.WithHealthReports([new HealthReportSnapshot("check", health, null, null)]));
}
