using System.Globalization;
using System.Runtime.InteropServices;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Platform.Testing;

// Starts the AppHost for a benchmark script, as deployed: built in Release (this host's configuration, which the
// services run in), the AppHost and every service in the Production environment (so no development-only telemetry
// settings: sampling is the services' own), exporting their telemetry to the Aspire dashboard.
//   BenchHost [--only <resource>]... [--env <resource>:<NAME>=<value>]... [--buyers <n>] [<AppHost argument>]...
// --buyers creates n buyer accounts (bench-buyer-0...) with generated passwords and a public client for them to sign in
// with (the authorization code flow, as real buyers do: the password grant exists only in Development).
// --simulated-buyers registers a load-test client that gets a token for any buyer name (Platform.Testing's
// SimulatedBuyers): thousands of distinct buyers without an account each; its secret goes to BENCH_CONNECTIONS.
// Once every resource is healthy it prints, for the load generator:
//   endpoint <name> <url>           each service's HTTP endpoint (through DCP's proxy, spread over replicas)
//   replica <instance> <url>        each service instance's own address, past the proxy
//   pids <instance> <pid,...>       every process of every instance, to attribute CPU time
//   pids apphost <pid>              this process (the AppHost runs in it)
// writes the databases' and Redis's connection strings to BENCH_CONNECTIONS if set (a 0600 file in the script's private
// directory; secrets stay off command lines and logs), prints "ready" and runs until SIGTERM/SIGINT.
var only = new List<string>();
var environment = new List<(string Resource, string Name, string Value)>();
var appHostArgs = new List<string>();
var buyers = 0;
SimulatedBuyers? simulatedBuyers = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--only":
            only.Add(args[++i]);
            break;
        case "--buyers":
            buyers = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--simulated-buyers":
            simulatedBuyers = new SimulatedBuyers();
            break;
        case "--env" when args[++i].Split(':', 2) is [var resource, var setting] && setting.Split('=', 2) is [var name, var value]:
            environment.Add((resource, name, value));
            break;
        default:
            appHostArgs.Add(args[i]);
            break;
    }
}

var builder = PlatformAppBuilder.Create([.. appHostArgs]).InEnvironment("Production").WithDashboard().Configure(apphost =>
{
    foreach (var project in apphost.Resources.OfType<ProjectResource>())
    {
        apphost.CreateResourceBuilder(project)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithEnvironment("DOTNET_ENVIRONMENT", "Production");
    }
});
if (only.Count > 0)
{
    builder.Only([.. only]);
}

foreach (var (resource, name, value) in environment)
{
    builder.WithEnvironment(resource, name, value);
}

const string BenchClientRedirect = "http://127.0.0.1:9/order-bench/callback"; // never followed: the code is read from the Location
// the identity service's password rules want a lower- and an upper-case letter and a digit
var buyerPasswords = Enumerable.Range(0, buyers).Select(i => ($"bench-buyer-{i}", "Bb9" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))).ToList();
foreach (var (name, password) in buyerPasswords)
{
    builder.WithEnvironment("identity", $"Identity__Users__{name}__Password", password).WithEnvironment("identity", $"Identity__Users__{name}__Roles", "buyer");
}

if (buyers > 0)
{
    builder.WithEnvironment("identity", "Identity__PublicClients__order-bench__RedirectUris", BenchClientRedirect);
}

simulatedBuyers?.Register(builder);

await using var app = await builder.StartAsync(TimeSpan.FromMinutes(4));
foreach (var project in app.Resources.OfType<ProjectResource>())
{
    using var client = app.CreateHttpClient(project.Name);
    Console.WriteLine($"endpoint {project.Name} {client.BaseAddress}");
    for (var replica = 0; replica < app.Instances(project.Name).Count; replica++)
    {
        using var direct = app.CreateReplicaClient(project.Name, replica);
        Console.WriteLine($"replica {app.Instances(project.Name)[replica].ResourceId} {direct.BaseAddress}");
    }
}

foreach (var resource in app.Resources)
{
    foreach (var instance in app.Instances(resource.Name))
    {
        // DCP starts a project as `dotnet run`, which starts the service: count the whole tree.
        var roots = instance.Snapshot.Properties.Where(p => p.Name == "executable.pid").Select(p => Convert.ToInt32(p.Value, CultureInfo.InvariantCulture));
        var pids = roots.SelectMany(Descendants).ToList();
        if (pids.Count > 0)
        {
            Console.WriteLine($"pids {instance.ResourceId} {string.Join(',', pids)}");
        }
    }
}

Console.WriteLine($"pids apphost {Environment.ProcessId}");
if (Environment.GetEnvironmentVariable("BENCH_CONNECTIONS") is { Length: > 0 } connectionsFile)
{
    var lines = new List<string>();
    foreach (var resource in app.Resources.Where(r => r is PostgresDatabaseResource or RedisResource))
    {
        lines.Add($"{resource.Name}={await app.ConnectionStringAsync(resource.Name)}");
    }

    // who the load generator signs in as, and the provider's key for its admin API
    lines.AddRange(buyerPasswords.Select(b => $"user:{b.Item1}={b.Item2}"));
    if (buyers > 0)
    {
        lines.Add($"user:admin={await app.ParameterValueAsync("admin-password")}");
        lines.Add($"client:order-bench={BenchClientRedirect}");
    }

    if (simulatedBuyers is not null)
    {
        lines.Add($"client:{SimulatedBuyers.ClientId}={simulatedBuyers.Secret}");
    }

    if (app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Any(r => r.Name == "payment-provider"))
    {
        lines.Add($"payment-provider-api-key={await app.ParameterValueAsync("payment-provider-api-key")}");
    }

    if (!OperatingSystem.IsWindows())
    {
        await using var file = new FileStream(connectionsFile, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        await using var writer = new StreamWriter(file);
        await writer.WriteAsync(string.Join('\n', lines) + "\n");
    }
}

Console.WriteLine("ready");
var stop = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
await stop.Task;

static IEnumerable<int> Descendants(int root)
{
    var children = new Dictionary<int, List<int>>();
    foreach (var dir in Directory.EnumerateDirectories("/proc"))
    {
        if (int.TryParse(Path.GetFileName(dir), out var pid) && File.Exists(Path.Combine(dir, "stat")))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }
            catch (IOException)
            {
                // gone while we read
            }
        }
    }

    var found = new List<int> { root };
    for (var i = 0; i < found.Count; i++)
    {
        found.AddRange(children.GetValueOrDefault(found[i]) ?? []);
    }

    return found;
}
