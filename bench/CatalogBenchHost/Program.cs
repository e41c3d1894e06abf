using Platform.Hosting;
using Platform.Hosting.Testing;

// An AppHost for bench/catalog.sh: Redis, PostgreSQL, the bare Kestrel baseline and three catalog instances that
// differ only in configuration (Catalog:Cache:Mode), all as deployed (Release build, Production environment).
// Prints one "endpoint <name> <url>" line per service once everything is healthy, then runs until stopped.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, ApplicationName = "cat-bench", EchoResourceLogs = false });
var cache = builder.AddRedis("cache");
var database = builder.AddPostgres("postgres").AddDatabase("catalogdb");

// ASPNETCORE_ENVIRONMENT of every project comes from AppHost:ProjectEnvironment (the script sets Production)
builder.AddProject<Projects.KestrelBaseline>("kestrel");
string[] modes = ["TwoLevel", "DistributedOnly", "None"];
foreach (var mode in modes)
{
    builder.AddProject<Projects.Catalog>($"catalog-{mode.ToLowerInvariant()}")
        .WithReference(cache).WaitFor(cache)
        .WithReference(database).WaitFor(database)
        .WithEnvironment("Catalog__Cache__Mode", mode)
        // the per-client limiter stays on, as deployed; wrk is one client standing in for thousands of buyers, so its
        // budget is sized above what this machine can serve (any 429 fails the run)
        .WithEnvironment("Catalog__RateLimit__PermitLimit", "1000000")
        .WithEnvironment("Catalog__RateLimit__Burst", "200000")
        .WithHttpHealthCheck("/health");
}

await using var app = builder.Build();
await app.StartAsync();
using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
string[] services = ["kestrel", .. modes.Select(m => $"catalog-{m.ToLowerInvariant()}")];
await Task.WhenAll(new[] { "cache", "catalogdb" }.Concat(services.Skip(1)).Select(name => app.WaitForResourceHealthyAsync(name, timeout.Token)));
foreach (var service in services)
{
    Console.WriteLine($"endpoint {service} {app.GetEndpoint(service)}");
}

Console.WriteLine("ready");
var stop = new TaskCompletionSource();
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;
