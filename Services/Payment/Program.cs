using Platform.Payment.Apis;
using Platform.Payment.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPaymentServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapPaymentsApi();

app.Run();

public partial class Program;
