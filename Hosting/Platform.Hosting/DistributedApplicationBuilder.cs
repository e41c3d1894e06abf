using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Dashboard;
using Platform.Hosting.Orchestration;
using Platform.Hosting.Publishing;

namespace Platform.Hosting;

/// <summary>Describes the application; it runs nothing. <see cref="Build"/> hands the model to the orchestrator.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<IResource> _resources = [];
    private readonly DistributedApplicationOptions _options;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        _options = options;
        _host = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = options.Args,
            ApplicationName = options.ApplicationName ?? Assembly.GetEntryAssembly()?.GetName().Name,
            ContentRootPath = options.AppHostDirectory ?? FindAppHostDirectory(),
        });
        _host.Configuration.AddEnvironmentVariables();
        _host.Configuration.AddCommandLine(options.Args, new Dictionary<string, string>
        {
            ["--publisher"] = "Publishing:Publisher",
            ["--output-path"] = "Publishing:OutputPath",
        });
        _host.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        _host.Logging.SetMinimumLevel(LogLevel.Information);
        _host.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        _host.Logging.AddFilter("System.Net.Http", LogLevel.Warning);

        var publisher = _host.Configuration["Publishing:Publisher"];
        ExecutionContext = new DistributedApplicationExecutionContext(
            string.IsNullOrEmpty(publisher) ? DistributedApplicationOperation.Run : DistributedApplicationOperation.Publish);
        if (publisher is { Length: > 0 } and not "manifest")
        {
            throw new ArgumentException($"Unknown publisher '{publisher}'. The only publisher is 'manifest'.");
        }
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IServiceCollection Services => _host.Services;

    public IHostEnvironment Environment => _host.Environment;

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public string AppHostDirectory => _host.Environment.ContentRootPath;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        }

        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(this, resource);

    public DistributedApplication Build()
    {
        // Under the testing builder, the AppHost's Program stops here and hands its description to the test.
        if (DistributedApplicationTestingHook.Current is { } hook)
        {
            hook(this);
            throw new HostAbortedException("The testing builder took over the AppHost's builder.");
        }

        return BuildCore();
    }

    internal DistributedApplication BuildCore()
    {
        var model = new DistributedApplicationModel(_resources);
        model.Validate();
        _host.Services.AddSingleton(model);
        _host.Services.AddSingleton(ExecutionContext);
        _host.Services.AddSingleton(_options);
        _host.Services.AddSingleton<ResourceNotificationService>();
        _host.Services.AddSingleton<ResourceLoggerService>();
        if (ExecutionContext.IsPublishMode)
        {
            _host.Services.AddHostedService<ManifestPublishingService>();
        }
        else
        {
            if (DashboardRegistration.IsEnabled(_host.Configuration))
            {
                // Before the orchestrator: the dashboard sets the OTLP endpoint it hands out, and starts first.
                _host.Services.AddDashboard(_host.Configuration, _resources);
            }

            _host.Services.AddSingleton(sp => new RunDirectory(ApplicationNameForPaths, AppHostDirectory));
            _host.Services.AddSingleton<ApplicationOrchestrator>();
            _host.Services.AddHostedService(sp => sp.GetRequiredService<ApplicationOrchestrator>());
        }

        return new DistributedApplication(_host.Build());
    }

    private string ApplicationNameForPaths => _host.Environment.ApplicationName.ToLowerInvariant().Replace('.', '-');

    private static string FindAppHostDirectory()
    {
        var fromMetadata = (DistributedApplicationTestingHook.AppHostAssembly ?? Assembly.GetEntryAssembly())?
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AppHostProjectDirectory")?.Value;
        return fromMetadata is { Length: > 0 } && Directory.Exists(fromMetadata) ? fromMetadata : Directory.GetCurrentDirectory();
    }
}
