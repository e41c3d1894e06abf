using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Testing;

namespace Platform.Dashboard.Tests;

/// <summary>The real AppHost (servers and services as processes) with its dashboard, which the testing builder leaves
/// off unless asked.</summary>
public sealed class DashboardAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not started.");

    public DashboardServer Dashboard => App.Services.GetRequiredService<DashboardServer>();

    public async ValueTask InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Program>();
        builder.Configuration["Dashboard:Enabled"] = "true";
        _app = builder.Build();
        await _app.StartAsync();
        using var timeout = new CancellationTokenSource(StartupTimeout);
        try
        {
            await Task.WhenAll(_app.Model.Resources.Where(r => r is not Platform.Hosting.ApplicationModel.ParameterResource)
                .Select(r => _app.WaitForResourceHealthyAsync(r.Name, timeout.Token)));
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Not every resource became healthy within {StartupTimeout}: "
                + string.Join("; ", _app.ResourceNotifications.Snapshots.Select(s => $"{s.Name}={s.State}/{s.Health}")));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
