var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapAccountApi();
app.MapAuthorizeApi();
app.MapTokenApi();

app.Run();
