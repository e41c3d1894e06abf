using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The published shape of a Redis run with a replica and sentinels: the same five servers as containers of the Redis
/// image the resource uses, found by their names on the deployment's network. The primary and the replica keep their
/// data in volumes, each with the resource's append-only file and memory policy (a promoted replica must behave as the
/// primary did); three sentinels watch the primary by name and every reference connects through them
/// (<c>serviceName=&lt;name&gt;</c>), as the local run does. Each server announces its DNS name, not its address, so
/// what the sentinels tell clients stays right when a container moves.
/// </summary>
internal static class RedisSentinelManifest
{
    private const int RedisPort = 6379;
    private const int SentinelPort = 26379;

    public static IResourceBuilder<RedisResource> PublishWithReplicaAndSentinels(IResourceBuilder<RedisResource> builder, long downAfterMs)
    {
        var app = builder.ApplicationBuilder;
        var redis = builder.Resource;
        var name = redis.Name;
        var image = redis.Annotations.OfType<ContainerImageAnnotation>().Last();
        var password = redis.PasswordParameter ?? throw new InvalidOperationException($"{name}: a replicated Redis needs a password.");

        // demoted after a failover, the primary follows the new one with the same password, under its own name
        builder.WithServerOptions($"--masterauth $REDIS_PASSWORD --replica-announce-ip {name}");

        var replica = Server(app, $"{name}-replica", image, password)
            .WithArgs(context =>
            {
                context.Args.Add("-c");
                context.Args.Add($"redis-server --requirepass $REDIS_PASSWORD --masterauth $REDIS_PASSWORD --replicaof {name} {RedisPort} --replica-announce-ip {name}-replica {Storage(redis)}");
            })
            .WithEndpoint(targetPort: RedisPort, scheme: "tcp", name: "tcp");
        replica.WithVolume(VolumeNameGenerator.Generate(replica, "data"), "/data");

        var sentinels = Enumerable.Range(1, 3).Select(i =>
        {
            var sentinel = $"{name}-sentinel-{i}";
            string[] lines =
            [
                $"port {SentinelPort}",
                "sentinel resolve-hostnames yes",
                "sentinel announce-hostnames yes",
                $"sentinel announce-ip {sentinel}",
                $"sentinel monitor {name} {name} {RedisPort} {RedisSentinelExtensions.Quorum}",
                $"sentinel down-after-milliseconds {name} {downAfterMs}",
                $"sentinel failover-timeout {name} {Math.Max(10_000, downAfterMs * 5)}",
                $"sentinel parallel-syncs {name} 1",
            ];
            // the password joins the file from the environment at start, never the manifest's text
            var script = $"printf '%s\\n' {string.Join(' ', lines.Select(l => $"'{l}'"))} > /tmp/sentinel.conf"
                + $" && printf 'sentinel auth-pass {name} %s\\nrequirepass %s\\n' \"$REDIS_PASSWORD\" \"$REDIS_PASSWORD\" >> /tmp/sentinel.conf"
                + " && exec redis-sentinel /tmp/sentinel.conf";
            return Server(app, sentinel, image, password)
                .WithArgs("-c", script)
                .WithEndpoint(targetPort: SentinelPort, scheme: "tcp", name: "tcp");
        }).ToList();

        var endpoints = sentinels.Select(s => s.GetEndpoint("tcp")).ToList();
        var connection = ReferenceExpression.Create(
            $"{endpoints[0].Property(EndpointProperty.Host)}:{endpoints[0].Property(EndpointProperty.Port)},{endpoints[1].Property(EndpointProperty.Host)}:{endpoints[1].Property(EndpointProperty.Port)},{endpoints[2].Property(EndpointProperty.Host)}:{endpoints[2].Property(EndpointProperty.Port)},serviceName={name},password={password}");
        return builder.WithAnnotation(new ConnectionStringRedirectAnnotation(new SentinelConnection($"{name}-sentinels", connection)), ResourceAnnotationMutationBehavior.Replace);
    }

    private static IResourceBuilder<ContainerResource> Server(IDistributedApplicationBuilder app, string name, ContainerImageAnnotation image, ParameterResource password) =>
        app.AddContainer(name, image.Image, image.Tag ?? "latest")
            .WithImageRegistry(image.Registry)
            .WithEntrypoint("/bin/sh")
            .WithEnvironment("REDIS_PASSWORD", password);

    /// <summary>The primary's storage and bound, for the replica that may replace it.</summary>
    private static string Storage(RedisResource redis)
    {
        var options = new List<string> { "--save 60 1" };
        if (redis.Annotations.OfType<RedisAppendOnlyAnnotation>().LastOrDefault() is { } appendOnly)
        {
            options.Add($"--appendonly yes --appendfsync {appendOnly.Fsync}");
        }

        if (redis.Annotations.OfType<RedisMemoryPolicyAnnotation>().LastOrDefault() is { } memory)
        {
            options.Add(string.Create(CultureInfo.InvariantCulture, $"--maxmemory {memory.MaxMemory} --maxmemory-policy {memory.Policy}"));
        }

        return string.Join(' ', options);
    }

    private sealed class SentinelConnection(string name, ReferenceExpression connectionString) : Resource(name), IResourceWithConnectionString
    {
        public ReferenceExpression ConnectionStringExpression { get; } = connectionString;
    }
}
