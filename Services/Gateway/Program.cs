using Platform.Gateway.ApiReference;
using Platform.Gateway.Extensions;
using Platform.Gateway.Proxy;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMiddleware<ForwardableHeaders>();
app.UseRateLimiter();
app.MapWaitingRoom();
app.MapApiReference();
// proxied routes are described in their own services' documents, not the gateway's
app.MapReverseProxy().ExcludeFromDescription();

await app.RunAsync();
