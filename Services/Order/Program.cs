var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddRedisClient("cache");
builder.AddNpgsqlDataSource("orderdb");
builder.AddRabbitMQClient("messaging");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
