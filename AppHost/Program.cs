using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Servers: Aspire's own resources. Where no container runtime runs, they run as local processes (docs/hosting.md).
var cache = builder.AddRedis("cache").WithLocalProcessFallback();

// The services' pools add up under this with headroom (docs/messaging.md, "Connections"); the image's default is 100.
var postgres = builder.AddPostgres("postgres").WithArgs("-c", "max_connections=300").WithLocalProcessFallback();
var catalogDb = postgres.AddDatabase("catalogdb");
var orderDb = postgres.AddDatabase("orderdb");
var paymentDb = postgres.AddDatabase("paymentdb");
var notificationDb = postgres.AddDatabase("notificationdb");

var messaging = builder.AddRabbitMQ("messaging").WithLocalProcessFallback();

var catalog = builder.AddProject<Projects.Catalog>("catalog")
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalogDb).WaitFor(catalogDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReplicas(builder.Configuration.GetValue("Catalog:Replicas", 2))
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.AddProject<Projects.Order>("order")
    .WithReference(cache).WaitFor(cache)
    .WithReference(orderDb).WaitFor(orderDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(catalog).WaitFor(catalog)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

var paymentProvider = builder.AddProject<Projects.PaymentProvider>("payment-provider")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Payment>("payment")
    .WithReference(cache).WaitFor(cache)
    .WithReference(paymentDb).WaitFor(paymentDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(paymentProvider).WaitFor(paymentProvider)
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Notification>("notification")
    .WithReference(cache).WaitFor(cache)
    .WithReference(notificationDb).WaitFor(notificationDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

builder.WithUnhealthyRecheckStep(TimeSpan.FromMilliseconds(200))
    .WithQuickShutdown(patience: TimeSpan.FromSeconds(20), exportTimeout: TimeSpan.FromSeconds(2))
    .AddHealthyResourceReport();

builder.Build().Run();
