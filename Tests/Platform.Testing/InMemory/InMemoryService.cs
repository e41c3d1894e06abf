using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Platform.Testing.InMemory;

/// <summary>One instance of a service running in the test process (<see cref="WebApplicationFactory{TEntryPoint}"/>)
/// with the configuration the AppHost would have given its process, its log lines kept as a process's console is.</summary>
public abstract class InMemoryService : IAsyncDisposable
{
    public abstract string InstanceId { get; }

    public abstract IServiceProvider Services { get; }

    /// <summary>A client of this instance (in memory: no port, no proxy).</summary>
    public abstract HttpClient CreateClient();

    public abstract ValueTask DisposeAsync();
}

internal sealed class InMemoryService<TServiceType>(string instanceId, IReadOnlyDictionary<string, string?> settings, ResourceLog log)
    : InMemoryService where TServiceType : class
{
    private readonly Factory _factory = new(settings, log);

    public override string InstanceId => instanceId;

    public override IServiceProvider Services => _factory.Services;

    public override HttpClient CreateClient() => _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public override ValueTask DisposeAsync() => _factory.DisposeAsync();

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, ResourceLog log) : WebApplicationFactory<TServiceType>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment(settings.GetValueOrDefault("ASPNETCORE_ENVIRONMENT") ?? settings.GetValueOrDefault("DOTNET_ENVIRONMENT") ?? "Development");
            // host settings: seen by Program's reads before Build (AddCatalogServices reads connection strings there)
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            // and the last configuration source, so they win over the service's appsettings.json as environment
            // variables do for its process
            builder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(settings));
            builder.ConfigureLogging(logging => logging.AddProvider(new ResourceLogProvider(log)));
        }
    }
}
