using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.PaymentProvider;
using Platform.PaymentProvider.Options;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.Configure<ProviderBehaviour>(builder.Configuration.GetSection(ProviderBehaviour.SectionName));
builder.Services.AddSingleton<BehaviourSwitch>();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ChargeLedger>();
builder.Services.AddSingleton<RefundLedger>();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseApiKeyCheck();
app.MapChargesApi();
app.MapRefundsApi();
app.MapAdminApi();

app.Run();
