using Platform.Catalog.Apis;
using Platform.Catalog.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();

app.MapDefaultEndpoints();
// here, inside the problem-details middleware, so a 401 or 403 gets a problem body too
app.UseAuthentication();
app.UseAuthorization();

if (CatalogRateLimit.IsEnabled(app.Configuration))
{
    app.UseRateLimiter();
}

app.MapOpenApi();
app.MapCatalogApi();

await app.RunAsync();
