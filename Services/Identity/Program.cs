using Platform.Identity.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityServices();

var app = builder.Build();

// before the defaults' authentication, where OpenIddict reads client ids from the database
app.UseNulCharacterGuard();
app.MapDefaultEndpoints();
app.UseAntiforgery();
app.MapAccountApi();
app.MapRegistrationApi();
app.MapManageAccountApi();
app.MapUsersApi();
app.MapAuthorizeApi();
app.MapTokenApi();

app.Run();
