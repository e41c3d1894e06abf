var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("cache");

var postgres = builder.AddPostgres("postgres");
var catalogDb = postgres.AddDatabase("catalogdb");
var orderDb = postgres.AddDatabase("orderdb");
var paymentDb = postgres.AddDatabase("paymentdb");
var notificationDb = postgres.AddDatabase("notificationdb");

var messaging = builder.AddRabbitMQ("messaging");

var catalog = builder.AddProject<Projects.Catalog>("catalog")
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalogDb).WaitFor(catalogDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReplicas(2)
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

builder.Build().Run();
public partial class Program;
