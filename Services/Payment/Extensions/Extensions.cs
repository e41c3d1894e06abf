using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Contracts.IntegrationEvents;
using Platform.Payment.Infrastructure;
using Platform.Payment.IntegrationEvents;
using Platform.ServiceDefaults.Resilience;

namespace Platform.Payment.Extensions;

public static class Extensions
{
    /// <summary>The payment client for the provider is a typed client: its breaker and settings are "PaymentProviderClient"'s.</summary>
    public const string ProviderClientName = nameof(PaymentProviderClient);

    /// <summary>The provider account's secret key, sent on every call (the AppHost's <c>payment-provider-api-key</c>).</summary>
    public const string ProviderApiKeyKey = "PaymentProvider:ApiKey";

    public static IHostApplicationBuilder AddPaymentServices(this IHostApplicationBuilder builder)
    {
        builder.AddStateRedis("cache");
        builder.AddDistributedLocks();
        builder.AddServiceDatabase("paymentdb").AddSchemaMigrations("payment", PaymentSchema.Migrations);
        builder.Services.Configure<PaymentOptions>(builder.Configuration.GetSection(PaymentOptions.SectionName));
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.AddTransactionalOutbox();
        builder.AddInbox();
        builder.AddRabbitMQMessaging("messaging", bus =>
        {
            bus.AddConsumer<PaymentRequestedConsumer>(typeof(PaymentRequestedConsumerDefinition));
            bus.AddConsumer<RefundRequestedConsumer>();
        });
        builder.DeclareSubscriptions(Subscriptions.All);

        builder.Services.AddSingleton<PaymentRepository>();
        // Its own resilience handler: its own circuit breaker and the timeouts of "HttpClient:PaymentProviderClient:Resilience".
        var apiKey = builder.Configuration[ProviderApiKeyKey];
        builder.Services.AddHttpClient<PaymentProviderClient>(http =>
            {
                http.BaseAddress = new Uri("http://payment-provider");
                http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
            })
            .AddOwnResilienceHandler(builder.Configuration);
        builder.Services.AddTransient<PaymentReconciliation>();
        // the payment API is operators' only: a service token with payment.internal
        builder.AddTokenValidation();
        builder.Services.AddHostedService<PaymentReconciler>();
        return builder;
    }
}
