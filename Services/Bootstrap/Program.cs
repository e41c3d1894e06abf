using Platform.Bootstrap.Infrastructure;
using Platform.Bootstrap.Options;

// Runs once before the services start, and exits: 0 when everything they need exists (the AppHost's services wait for
// its completion), 1 otherwise (they do not start, and the dashboard shows why). docs/deployment.md, "Bootstrap".
var builder = Host.CreateApplicationBuilder(args);
// its logs and its statements' traces reach the dashboard; the rest of the defaults are for services that answer HTTP
builder.ConfigureOpenTelemetry();
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.SectionName));
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<DatabaseOwners>();

using var host = builder.Build();
await host.StartAsync();
var logger = host.Services.GetRequiredService<ILogger<DatabaseOwners>>();
var exitCode = 0;
try
{
    await host.Services.GetRequiredService<DatabaseOwners>().RunAsync(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
}
catch (Exception ex) when (ex is Npgsql.NpgsqlException or InvalidOperationException)
{
    logger.LogCritical(ex, "The bootstrap failed: the services that wait for it will not start");
    exitCode = 1;
}

await host.StopAsync();
return exitCode;
