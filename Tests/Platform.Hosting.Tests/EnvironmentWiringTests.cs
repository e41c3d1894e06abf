using Microsoft.Extensions.Configuration;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Tests;

public sealed class EnvironmentWiringTests
{
    private static readonly DistributedApplicationExecutionContext RunMode = new(DistributedApplicationOperation.Run);

    [Fact]
    public async Task References_become_Aspire_environment_variables()
    {
        var builder = TestModel.CreateBuilder();
        var cache = builder.AddRedis("cache", port: 16000);
        var db = builder.AddPostgres("postgres", port: 16001).AddDatabase("orderdb");
        var messaging = builder.AddRabbitMQ("messaging", port: 16002);
        var catalog = builder.AddProject("catalog", new TestModel.FakeProject()).WithReplicas(3);
        var order = builder.AddProject("order", new TestModel.FakeProject())
            .WithReference(cache).WithReference(db).WithReference(messaging).WithReference(catalog)
            .WithEnvironment("Feature__Flag", "on");
        AllocatePorts(catalog.Resource, 17000, 17001, 17002);
        AllocatePorts(order.Resource, 18000);

        var env = await ProjectEnvironment.BuildAsync(order.Resource, 0, "order", RunMode, new ConfigurationBuilder().Build(), TestContext.Current.CancellationToken);

        Assert.Equal(await cache.Resource.GetConnectionStringAsync(TestContext.Current.CancellationToken), env["ConnectionStrings__cache"]);
        Assert.EndsWith(";Database=orderdb", env["ConnectionStrings__orderdb"]);
        Assert.StartsWith("amqp://platform:", env["ConnectionStrings__messaging"]);
        Assert.Equal("http://127.0.0.1:17000", env["services__catalog__http__0"]);
        Assert.Equal("http://127.0.0.1:17001", env["services__catalog__http__1"]);
        Assert.Equal("http://127.0.0.1:17002", env["services__catalog__http__2"]);
        Assert.False(env.ContainsKey("services__catalog__http__3"));
        Assert.Equal("http://127.0.0.1:18000", env["ASPNETCORE_URLS"]);
        Assert.Equal("Development", env["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("order", env["OTEL_SERVICE_NAME"]);
        Assert.Equal("on", env["Feature__Flag"]);
        Assert.False(env.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    [Fact]
    public async Task Each_replica_listens_on_its_own_port_and_names_its_instance()
    {
        var builder = TestModel.CreateBuilder();
        var catalog = builder.AddProject("catalog", new TestModel.FakeProject()).WithReplicas(2);
        AllocatePorts(catalog.Resource, 19000, 19001);

        var second = await ProjectEnvironment.BuildAsync(catalog.Resource, 1, "catalog-1", RunMode, new ConfigurationBuilder().Build(), TestContext.Current.CancellationToken);

        Assert.Equal("http://127.0.0.1:19001", second["ASPNETCORE_URLS"]);
        Assert.Equal("service.instance.id=catalog-1", second["OTEL_RESOURCE_ATTRIBUTES"]);
    }

    [Fact]
    public async Task Telemetry_endpoint_is_handed_over_only_when_something_receives_it()
    {
        var builder = TestModel.CreateBuilder();
        var project = builder.AddProject("payment", new TestModel.FakeProject());
        AllocatePorts(project.Resource, 19100);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:4318" })
            .Build();

        var env = await ProjectEnvironment.BuildAsync(project.Resource, 0, "payment", RunMode, configuration, TestContext.Current.CancellationToken);

        Assert.Equal("http://127.0.0.1:4318", env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http/protobuf", env["OTEL_EXPORTER_OTLP_PROTOCOL"]);
    }

    private static void AllocatePorts(IResource resource, params int[] ports) =>
        resource.Annotations.OfType<EndpointAnnotation>().Single().AllocatedPorts.AddRange(ports);
}
