using System.Runtime.InteropServices;
using Platform.Hosting;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Testing;

// An AppHost for bench/orders.sh: the system of AppHost/Program.cs (Redis, PostgreSQL with the four databases,
// RabbitMQ, catalog ×2, order, payment-provider, payment, notification), as deployed (Release build, the script sets
// AppHost:ProjectEnvironment=Production). Once everything is healthy it prints, for the load generator:
//   endpoint <name> <url>           the HTTP endpoints it calls
//   pids <instance> <pid,...>       every process of every instance, to attribute CPU time
//   pids apphost <pid>              this process
// writes the four databases' connection strings to ORDER_BENCH_CONNECTIONS (a 0600 file in the script's private
// directory: the load generator reads each stage's timestamps afterwards; secrets stay off command lines and logs),
// prints "ready" and runs until SIGTERM/SIGINT.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, ApplicationName = "order-bench", EchoResourceLogs = false });

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
    // the per-client limit keeps its deployed default: the order service reads prices from the internal endpoint,
    // outside the limit, and the load generator's only public catalog calls are the few products it creates
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Order>("order")
    .WithReference(cache).WaitFor(cache)
    .WithReference(orderDb).WaitFor(orderDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(catalog).WaitFor(catalog)
    .WithHttpHealthCheck("/health");

// the provider keeps its default behaviour (appsettings.json: 20 ms per charge, no failures); the bench prints it
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
    .WithHttpHealthCheck("/health");

await using var app = builder.Build();
await app.StartAsync();
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
await Task.WhenAll(app.Model.Resources.Where(r => r is not ParameterResource).Select(r => app.WaitForResourceHealthyAsync(r.Name, timeout.Token)));

string[] endpoints = ["catalog", "order", "payment-provider", "notification"];
foreach (var name in endpoints)
{
    Console.WriteLine($"endpoint {name} {app.GetEndpoint(name)}");
}

foreach (var snapshot in app.ResourceNotifications.Snapshots.Where(s => s.ProcessIds.Count > 0))
{
    Console.WriteLine($"pids {snapshot.Name} {string.Join(',', snapshot.ProcessIds)}");
}

Console.WriteLine($"pids apphost {Environment.ProcessId}");

if (Environment.GetEnvironmentVariable("ORDER_BENCH_CONNECTIONS") is { Length: > 0 } connectionsFile)
{
    if (OperatingSystem.IsWindows())
    {
        throw new PlatformNotSupportedException("The connections file is created with Unix permissions (0600).");
    }

    string[] databases = ["catalogdb", "orderdb", "paymentdb", "notificationdb"];
    var lines = new List<string>();
    foreach (var database in databases)
    {
        lines.Add($"{database}={await app.GetConnectionStringAsync(database)}");
    }

    await using var file = new FileStream(connectionsFile, new FileStreamOptions
    {
        Mode = FileMode.CreateNew,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });
    await using var writer = new StreamWriter(file);
    await writer.WriteAsync(string.Join('\n', lines) + "\n");
}

Console.WriteLine("ready");
var stop = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
