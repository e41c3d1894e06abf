using Platform.Catalog.Apis;
using Platform.Catalog.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();

app.MapDefaultEndpoints();

if (CatalogRateLimit.IsEnabled(app.Configuration))
{
    app.UseRateLimiter();
}

app.MapCatalogApi();

await app.RunAsync();
