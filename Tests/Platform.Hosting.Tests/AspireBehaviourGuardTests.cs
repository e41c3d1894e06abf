using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Hosting.HealthGates;
using Platform.Testing;

namespace Platform.Hosting.Tests;

/// <summary>
/// The local-server mechanism leans on Aspire behaviour that is public but not documented: DCP makes no container of a
/// <see cref="ContainerResource"/> without an image, keeps an endpoint allocated before it starts, and Aspire's own
/// health checks then gate the resource; start-up speed leans on an internal property. If an Aspire upgrade changes
/// any of it, this fails here, loudly, instead of as a hang somewhere in the suite.
/// </summary>
public sealed class AspireBehaviourGuardTests
{
    private const string Changed = "Aspire's behaviour changed (see docs/hosting.md, 'What this relies on'): ";

    [Fact]
    public async Task A_server_resource_runs_as_a_local_process_behind_its_real_resource_and_endpoint()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await PlatformAppBuilder.Create().Only("catalog-cache").StartAsync(TimeSpan.FromMinutes(2), ct);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var cache = model.Resources.OfType<RedisResource>().Single(r => r.Name == "catalog-cache");

        Assert.False(cache.Annotations.OfType<ContainerImageAnnotation>().Any(), Changed + "the image annotation came back");
        var endpoint = cache.Annotations.OfType<EndpointAnnotation>().Single();
        Assert.True(endpoint.AllocatedEndpoint is { Address: "127.0.0.1" }, Changed + $"DCP replaced the pinned endpoint: {endpoint.AllocatedEndpoint}");
        var connectionString = await app.ConnectionStringAsync("catalog-cache", ct);
        Assert.StartsWith($"127.0.0.1:{endpoint.AllocatedEndpoint!.Port},", connectionString);
        Assert.Equal("+PONG", await PingAsync(connectionString, ct));

        var snapshot = app.Current("catalog-cache").Snapshot;
        Assert.True(snapshot.HealthReports.Any(r => r.Name == "catalog-cache_check" && r.Status == HealthStatus.Healthy),
            Changed + "Aspire's own Redis health check did not gate the resource: " + string.Join(", ", snapshot.HealthReports.Select(r => $"{r.Name}={r.Status}")));
        var server = model.Resources.Single(r => r.Name == "catalog-cache-server");
        Assert.IsType<ExecutableResource>(server);
        Assert.Contains(server.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource == cache);

        Assert.True(HealthRecheckCadence.TrySetUnhealthyStep(app.Services, TimeSpan.FromMilliseconds(200)),
            Changed + $"{HealthRecheckCadence.ServiceTypeName}.{HealthRecheckCadence.StepPropertyName} is gone; WaitFor gets slow");
    }

    [Fact]
    public async Task Stop_and_start_on_the_real_resource_act_on_its_process_and_keep_its_address()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var app = await PlatformAppBuilder.Create().Only("catalog-cache").StartAsync(TimeSpan.FromMinutes(2), ct);
        var connectionString = await app.ConnectionStringAsync("catalog-cache", ct);
        var pid = app.ProcessIds("catalog-cache").Single();

        await app.StopAsync("catalog-cache", ct);
        await app.WaitForStoppedAsync("catalog-cache", ct);
        await app.WaitForStoppedAsync("catalog-cache-server", ct);
        await Assert.ThrowsAnyAsync<SocketException>(() => PingAsync(connectionString, ct));

        await app.StartAsync("catalog-cache", ct);
        await app.WaitForHealthyAsync("catalog-cache", TimeSpan.FromSeconds(60), ct);
        Assert.Equal("+PONG", await PingAsync(connectionString, ct));
        Assert.NotEqual(pid, app.ProcessIds("catalog-cache").Single());
    }

    private static async Task<string?> PingAsync(string connectionString, CancellationToken ct)
    {
        // a server that accepts but never answers fails the test instead of holding it
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        ct = patience.Token;
        var (port, password) = RedisAddress.Parse(connectionString);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, ct);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"AUTH {password}\r\nPING\r\n"), ct);
        Assert.Equal("+OK", await reader.ReadLineAsync(ct));
        return await reader.ReadLineAsync(ct);
    }
}
