using Platform.Catalog.Apis;
using Platform.Catalog.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.MapCatalogApi();

await app.RunAsync();
