using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Platform.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Servers: Aspire's own resources. Where no container runtime runs, they run as local processes (docs/hosting.md).
// Two Redis servers with opposite answers to "full" (docs/reliability.md, "Bounded resources"): "cache" holds the
// platform's state (locks and fences, limits, idempotency keys, waiting rooms, stream leases, feeds, pub/sub), which
// must never be evicted: a write past the bound fails instead, and every key has a lifetime. "catalog-cache" holds the
// catalog's cache, whose keys callers choose (cursors, filters, ids, search terms): the least recently used make room.
// Locally "cache" is a primary, a replica and three sentinels, and the services reach it through the sentinels.
// State outlives a restart in both modes (docs/deployment.md, "Durability"): the state Redis, PostgreSQL and RabbitMQ
// keep their data in volumes (locally, directories kept across runs; `./run.sh --reset` starts from empty), the state
// Redis with an append-only file flushed every second. The catalog's cache is a cache: a restart empties it.
var cache = builder.AddRedis("cache")
    .WithMemoryPolicy(builder.Configuration["Redis:State:MaxMemory"] ?? "1gb", "noeviction")
    .WithAppendOnlyFile().WithDataVolume().WithLocalProcessFallback()
    .WithReplicaAndSentinels();
var catalogCache = builder.AddRedis("catalog-cache")
    .WithMemoryPolicy(builder.Configuration["Redis:CatalogCache:MaxMemory"] ?? "256mb", "allkeys-lru").WithLocalProcessFallback();

// The services' pools add up under this with headroom (docs/messaging.md, "Connections"); the image's default is 100.
var postgres = builder.AddPostgres("postgres").WithArgs("-c", "max_connections=300").WithDataVolume().WithLocalProcessFallback();
// Each service logs in as the owner of its own database and of nothing else, never as the superuser (docs/security.md).
var catalogDb = postgres.AddDatabase("catalogdb").AddOwnerRole("catalog_service");
var orderDb = postgres.AddDatabase("orderdb").AddOwnerRole("order_service");
var paymentDb = postgres.AddDatabase("paymentdb").AddOwnerRole("payment_service");
var notificationDb = postgres.AddDatabase("notificationdb").AddOwnerRole("notification_service");
var identityDb = postgres.AddDatabase("identitydb").AddOwnerRole("identity_service");
// Runs once before the services and exits: creates what they need that they cannot create themselves (the databases
// where nothing else does, each owner role with its password). The only holder of the superuser's password.
builder.AddProject<Projects.Bootstrap>("bootstrap").WithOwnerRoles(postgres, catalogDb, orderDb, paymentDb, notificationDb, identityDb);

var messaging = builder.AddRabbitMQ("messaging").WithDataVolume().WithLocalProcessFallback();

// Who exists: demo users and service clients, every password and secret generated once and kept in the AppHost's
// user secrets, as Aspire keeps the servers' (a restart finds the same accounts and data; docs/security.md).
var demoUsers = new (string Name, string Roles)[] { ("alice", "buyer"), ("bob", "buyer"), ("admin", "catalog-admin,administrator") };
var identity = builder.AddProject<Projects.Identity>("identity")
    .WithReference(identityDb, "identitydb").WaitFor(identityDb)
    .WithHttpHealthCheck("/health");
// Deployed, the gateway is the one public door: identity's pages and endpoints are reached through it, and its tokens
// name that public address (an operator's parameter) as their issuer. Locally identity also answers on its own address.
var publicUrl = builder.ExecutionContext.IsRunMode ? null : builder.AddParameter("public-url");
if (publicUrl is null)
{
    identity.WithExternalHttpEndpoints().WithEnvironment("Identity__Issuer", identity.GetEndpoint("http"));
}
else
{
    identity.WithEnvironment("Identity__Issuer", publicUrl);
}

// demo users exist only where the AppHost runs the system (AppHost:DemoUsers=false: none, as deployed). Deployed, people
// sign up themselves, and one administrator is made from a secret parameter, who grants roles (docs/security.md)
var demoPasswords = new List<(string Name, string Roles, IResourceBuilder<ParameterResource> Password)>();
var withDemoUsers = builder.Configuration.GetValue("AppHost:DemoUsers", builder.ExecutionContext.IsRunMode);
if (!withDemoUsers)
{
    var administratorPassword = builder.AddGeneratedSecret("administrator-password", minLength: 20);
    identity.WithEnvironment("Identity__Users__administrator__Password", administratorPassword)
        .WithEnvironment("Identity__Users__administrator__Roles", "administrator,catalog-admin");
}

foreach (var (name, roles) in withDemoUsers ? demoUsers : [])
{
    var password = builder.AddGeneratedSecret($"{name}-password", minLength: 20);
    identity.WithEnvironment($"Identity__Users__{name}__Password", password).WithEnvironment($"Identity__Users__{name}__Roles", roles);
    demoPasswords.Add((name, roles, password));
}

// one client per service, a scope per capability; "operations" is operators' tooling (the payment API)
var orderClientSecret = ServiceClient("order", "catalog.internal");
ServiceClient("operations", "payment.internal");

// Only the gateway's network may forward a client's address to the services (X-Forwarded-For): loopback where the
// AppHost runs everything, the private ranges of a container network when deployed.
var gatewayNetwork = builder.ExecutionContext.IsRunMode ? "127.0.0.0/8,::1/128" : "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";
identity.WithEnvironment("ForwardedHeaders__KnownNetworks", gatewayNetwork);

var catalog = builder.AddProject<Projects.Catalog>("catalog")
    .WithReference(identity).WaitFor(identity)
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalogCache).WaitFor(catalogCache)
    .WithReference(catalogDb, "catalogdb").WaitFor(catalogDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReplicas(builder.Configuration.GetValue("Catalog:Replicas", 2))
    .WithEnvironment("ForwardedHeaders__KnownNetworks", gatewayNetwork)
    .WithHttpHealthCheck("/health");

// signs a waiting room's admissions (the gateway) and checks them (the order service); docs/waiting-room.md
var admissionKey = builder.AddGeneratedSecret("waiting-room-signing-key", minLength: 48);

var order = builder.AddProject<Projects.Order>("order")
    .WithReference(identity).WaitFor(identity)
    .WithEnvironment("Identity__ClientId", "order").WithEnvironment("Identity__ClientSecret", orderClientSecret)
    .WithReference(cache).WaitFor(cache)
    .WithReference(orderDb, "orderdb").WaitFor(orderDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithReference(catalog).WaitFor(catalog)
    .WithEnvironment("ForwardedHeaders__KnownNetworks", gatewayNetwork)
    .WithEnvironment("WaitingRoom__SigningKey", admissionKey)
    .WithHttpHealthCheck("/health");

var payment = builder.AddProject<Projects.Payment>("payment")
    .WithReference(identity).WaitFor(identity)
    .WithReference(cache).WaitFor(cache)
    .WithReference(paymentDb, "paymentdb").WaitFor(paymentDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithHttpHealthCheck("/health");
if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration["Parameters:payment-provider-url"]))
{
    // the simulated provider, with a secret key as a real PSP account has one: it requires the key on every call
    var providerApiKey = builder.AddGeneratedSecret("payment-provider-api-key", minLength: 32);
    var simulator = builder.AddProject<Projects.PaymentProvider>("payment-provider")
        .WithEnvironment("Provider__ApiKey", providerApiKey)
        .WithHttpHealthCheck("/health")
        .WithMoodCommands(providerApiKey);
    payment.WithEnvironment("PaymentProvider__ApiKey", providerApiKey).WithReference(simulator).WaitFor(simulator);
}
else
{
    // a deployment pays through a real provider: the operator supplies its address and the account's secret key (so
    // can a local run, which then starts no simulator: the rehearsal does)
    var provider = builder.AddExternalService("payment-provider", builder.AddParameter("payment-provider-url"));
    payment.WithEnvironment("PaymentProvider__ApiKey", builder.AddParameter("payment-provider-api-key", secret: true)).WithReference(provider);
}

var notification = builder.AddProject<Projects.Notification>("notification")
    .WithReference(identity).WaitFor(identity)
    .WithReference(cache).WaitFor(cache)
    .WithReference(notificationDb, "notificationdb").WaitFor(notificationDb)
    .WithReference(messaging).WaitFor(messaging)
    .WithEnvironment("ForwardedHeaders__KnownNetworks", gatewayNetwork)
    .WithHttpHealthCheck("/health");

// The one public door (locally identity's own address is a second one, for the README's curl and the tests).
var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithReference(identity).WaitFor(identity)
    .WithReference(cache).WaitFor(cache)
    .WithReference(catalog).WaitFor(catalog)
    .WithReference(order).WaitFor(order)
    .WithReference(notification).WaitFor(notification)
    .WithReference(payment)
    .WithEnvironment("WaitingRoom__SigningKey", admissionKey)
    .WithReplicas(builder.Configuration.GetValue("Gateway:Replicas", 2))
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();
if (!builder.ExecutionContext.IsRunMode)
{
    // behind a load balancer every caller would be the balancer's address (one rate-limit bucket for all anonymous
    // callers): the gateway believes X-Forwarded-For from the ingress's networks, which the operator names (CIDRs)
    gateway.WithEnvironment("ForwardedHeaders__KnownNetworks", builder.AddParameter("ingress-networks"));
}
// the gateway's API reference page signs in by the authorization code flow, its codes sent back to the page
identity.WithEnvironment("Identity__PublicClients__api-reference__RedirectUris", publicUrl is null
    ? ReferenceExpression.Create($"{gateway.GetEndpoint("http")}/api-reference")
    : ReferenceExpression.Create($"{publicUrl}/api-reference"));

if (builder.ExecutionContext.IsRunMode && builder.Environment.IsDevelopment())
{
    // once, on this console only: the demo users' generated passwords, for the README's curl
    builder.Eventing.Subscribe<ResourceReadyEvent>(identity.Resource, async (_, cancellationToken) =>
    {
        foreach (var (name, roles, password) in demoPasswords)
        {
            Console.WriteLine($"Demo user {name} ({roles}): password {await password.Resource.GetValueAsync(cancellationToken)}");
        }
    });
}

IResourceBuilder<ParameterResource> ServiceClient(string clientId, string scopes)
{
    var secret = builder.AddGeneratedSecret($"{clientId}-client-secret", minLength: 32);
    identity.WithEnvironment($"Identity__Clients__{clientId}__Secret", secret).WithEnvironment($"Identity__Clients__{clientId}__Scopes", scopes);
    return secret;
}

builder.WithUnhealthyRecheckStep(TimeSpan.FromMilliseconds(200))
    .WithQuickShutdown(patience: TimeSpan.FromSeconds(20), exportTimeout: TimeSpan.FromSeconds(2))
    .AddHealthyResourceReport();

builder.Build().Run();
