var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddOrderServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOrdersApi();

app.Run();
