using Platform.Catalog.Apis;
using Platform.Catalog.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();

app.MapDefaultEndpoints();

// schema and seed before the first request; replicas coordinate through an advisory lock
await app.Services.GetRequiredService<CatalogMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);

if (CatalogRateLimit.IsEnabled(app.Configuration))
{
    app.UseRateLimiter();
}

app.MapOpenApi();
app.MapCatalogApi();

await app.RunAsync();
