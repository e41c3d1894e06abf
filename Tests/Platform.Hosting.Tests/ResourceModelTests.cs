using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Tests;

public sealed class ResourceModelTests
{
    [Theory]
    [InlineData("1cache")]
    [InlineData("cache_1")]
    [InlineData("cache-")]
    [InlineData("ca--che")]
    [InlineData("")]
    public void Invalid_resource_names_are_rejected(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => TestModel.CreateBuilder().AddRedis(name));

    [Fact]
    public void Duplicate_names_are_rejected_whatever_their_case()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddRedis("cache");
        var error = Assert.Throws<InvalidOperationException>(() => builder.AddRabbitMQ("Cache"));
        Assert.Contains("Cache", error.Message);
    }

    [Fact]
    public void Waiting_in_a_cycle_is_rejected_at_build_time()
    {
        var builder = TestModel.CreateBuilder();
        var a = builder.AddProject("a", new TestModel.FakeProject());
        var b = builder.AddProject("b", new TestModel.FakeProject()).WaitFor(a);
        a.WaitFor(b);

        var error = Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Contains("cycle", error.Message);
    }

    [Fact]
    public void Builder_only_describes_resources()
    {
        var builder = TestModel.CreateBuilder();
        var cache = builder.AddRedis("cache");
        var orderDb = builder.AddPostgres("postgres").AddDatabase("orderdb");
        var order = builder.AddProject("order", new TestModel.FakeProject()).WithReference(cache).WaitFor(cache).WaitFor(orderDb).WithReplicas(2);

        Assert.Equal(["cache-password", "cache", "postgres-password", "postgres", "orderdb", "order"], builder.Resources.Select(r => r.Name));
        Assert.Equal(2, order.Resource.GetReplicaCount());
        Assert.Equal([cache.Resource, orderDb.Resource], order.Resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource));
        Assert.Same(builder.Resources[3], orderDb.Resource.Parent);
        Assert.Empty(cache.Resource.Annotations.OfType<EndpointAnnotation>().Single().AllocatedPorts);
    }

    [Fact]
    public async Task Reference_expression_renders_values_for_a_run_and_expressions_for_the_manifest()
    {
        var builder = TestModel.CreateBuilder();
        var cache = builder.AddRedis("cache", port: 7000);
        var expression = ReferenceExpression.Create($"redis://{cache.Resource.PrimaryEndpoint.Property(EndpointProperty.Host)}:{cache.Resource.PrimaryEndpoint.Property(EndpointProperty.Port)}/0");

        Assert.Equal("redis://127.0.0.1:7000/0", await expression.GetValueAsync(TestContext.Current.CancellationToken));
        Assert.Equal("redis://{cache.bindings.tcp.host}:{cache.bindings.tcp.port}/0", expression.ValueExpression);
    }

    [Fact]
    public async Task A_missing_server_binary_stops_start_with_the_Debian_package_to_install()
    {
        var builder = TestModel.CreateBuilder();
        builder.AddResource(new FakeServerResource("ghost")).WithAnnotation(new LocalServerAnnotation(new MissingBinaryServer()));
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("/usr/bin/ghost-server-does-not-exist", error.Message);
        Assert.Contains("apt-get install -y --no-install-recommends ghost-server", error.Message);
    }

    private sealed class FakeServerResource(string name) : Resource(name);

    private sealed class MissingBinaryServer : ILocalServer
    {
        public IReadOnlyList<RequiredBinary> RequiredBinaries { get; } = [new("/usr/bin/ghost-server-does-not-exist", "ghost-server")];

        public Task<IReadOnlyList<ProcessSpec>> PrepareAsync(LocalServerContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Must not be reached: the binary check comes first.");

        public Task<HealthCheckOutcome> CheckHealthAsync(CancellationToken cancellationToken) => Task.FromResult(HealthCheckOutcome.Unhealthy("never"));
    }
}
