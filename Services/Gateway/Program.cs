using Platform.Gateway.ApiReference;
using Platform.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseRateLimiter();
app.MapWaitingRoom();
app.MapApiReference();
// proxied routes are described in their own services' documents, not the gateway's
app.MapReverseProxy().ExcludeFromDescription();

await app.RunAsync();
