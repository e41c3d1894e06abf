using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Testing;

/// <summary>Builds an AppHost for a test: runs its Program up to Build(), then lets the test adjust and start it.</summary>
public sealed class DistributedApplicationTestingBuilder : IDistributedApplicationBuilder
{
    private readonly DistributedApplicationBuilder _inner;

    private DistributedApplicationTestingBuilder(DistributedApplicationBuilder inner) => _inner = inner;

    public ConfigurationManager Configuration => _inner.Configuration;

    public IServiceCollection Services => _inner.Services;

    public IHostEnvironment Environment => _inner.Environment;

    public DistributedApplicationExecutionContext ExecutionContext => _inner.ExecutionContext;

    public IReadOnlyList<IResource> Resources => _inner.Resources;

    public string AppHostDirectory => _inner.AppHostDirectory;

    /// <summary>Any type from the AppHost assembly (its Program) names the AppHost to run.</summary>
    public static Task<DistributedApplicationTestingBuilder> CreateAsync<TEntryPoint>(params string[] args) where TEntryPoint : class =>
        CreateAsync(typeof(TEntryPoint).Assembly, args);

    public static async Task<DistributedApplicationTestingBuilder> CreateAsync(Assembly appHostAssembly, string[] args)
    {
        var entryPoint = appHostAssembly.EntryPoint ?? throw new ArgumentException($"{appHostAssembly.GetName().Name} has no entry point.", nameof(appHostAssembly));
        var captured = new TaskCompletionSource<DistributedApplicationBuilder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Task.Run(() =>
        {
            DistributedApplicationTestingHook.Install(appHostAssembly, builder =>
            {
                // Test runs keep the console quiet and never inherit a developer's fixed settings.
                builder.Configuration["AppHost:Testing"] = "true";
                captured.TrySetResult(builder);
            });
            try
            {
                entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
                captured.TrySetException(new InvalidOperationException("The AppHost's Program returned without calling Build()."));
            }
            catch (TargetInvocationException ex) when (ex.InnerException is HostAbortedException)
            {
            }
            catch (TargetInvocationException ex)
            {
                captured.TrySetException(ex.InnerException ?? ex);
            }
        });
        var builder = await captured.Task.ConfigureAwait(false);
        await run.ConfigureAwait(false);
        return new DistributedApplicationTestingBuilder(builder);
    }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource => _inner.AddResource(resource);

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => _inner.CreateResourceBuilder(resource);

    public DistributedApplication Build() => _inner.BuildCore();

    public Task<DistributedApplication> BuildAsync() => Task.FromResult(Build());
}
