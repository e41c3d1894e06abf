using System.Globalization;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Hosting.LocalServers;
using Platform.Hosting.LocalServers.Mode;
using Platform.Hosting.LocalServers.Servers;
using StackExchange.Redis;

namespace Aspire.Hosting;

public static class RedisSentinelExtensions
{
    private static readonly RequiredBinary SentinelBinary = new("/usr/bin/redis-sentinel", "redis-sentinel");

    /// <summary>How many sentinels must agree that the primary is down before one of them fails it over.</summary>
    public const int Quorum = 2;

    /// <summary>
    /// A replica (<c>&lt;name&gt;-replica</c>) and three sentinels (<c>&lt;name&gt;-sentinel-1..3</c>) beside the
    /// primary, and every reference connects through the sentinels (<c>serviceName=&lt;name&gt;</c>): StackExchange.Redis
    /// asks them for the primary and follows a failover by itself. The sentinels declare the primary down after
    /// <paramref name="downAfter"/> without an answer (2 s locally, 5 s deployed). Where the servers run as local
    /// processes, Debian's <c>redis-server</c> and <c>redis-sentinel</c>; in the manifest, containers of the Redis
    /// image (<see cref="RedisSentinelManifest"/>). A local run with containers keeps Aspire's single server.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithReplicaAndSentinels(this IResourceBuilder<RedisResource> builder, TimeSpan? downAfter = null)
    {
        var app = builder.ApplicationBuilder;
        if (!app.ExecutionContext.IsRunMode)
        {
            return RedisSentinelManifest.PublishWithReplicaAndSentinels(builder, (long)(downAfter ?? TimeSpan.FromSeconds(5)).TotalMilliseconds);
        }

        if (ServerModeSelector.Resolve(app) != ServerMode.LocalProcess)
        {
            return builder;
        }

        var redis = builder.Resource;
        var run = LocalServerHost.RunDirectoryOf(app);
        var replicaPort = FreePort.Next();
        int[] sentinelPorts = [FreePort.Next(), FreePort.Next(), FreePort.Next()];
        var downAfterMs = (long)(downAfter ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;

        redis.Annotations.Add(new RedisSentinelsAnnotation(sentinelPorts));
        var replica = app.AddExecutable($"{redis.Name}-replica", "/usr/bin/redis-server", run, ConfigPath(run, $"{redis.Name}-replica"))
            .WithParentRelationship(redis)
            .ExcludeFromManifest();
        var replicaStarted = false;
        app.Eventing.Subscribe<BeforeResourceStartedEvent>(replica.Resource, async (_, ct) =>
        {
            var password = await PasswordAsync(redis, ct).ConfigureAwait(false);
            var config = RedisLocalServer.AppendStorage(RedisLocalServer.Config(replicaPort, Directory.CreateDirectory(Path.Combine(run, replica.Resource.Name)).FullName, password), redis, persistent: false);
            // the first start follows the primary; a restart follows whichever server the sentinels name (itself, if
            // they promoted it and it was restarted before they moved on)
            var primary = (replicaStarted ? await NamedPrimaryPortAsync(redis, ct).ConfigureAwait(false) : null) ?? PrimaryPort(redis);
            replicaStarted = true;
            await PrivateFile.WriteAsync(ConfigPath(run, replica.Resource.Name), AppendReplicaOf(config, replicaPort, primary, password).ToString(), owner: null, ct).ConfigureAwait(false);
        });

        for (var i = 0; i < sentinelPorts.Length; i++)
        {
            var port = sentinelPorts[i];
            var sentinel = app.AddExecutable($"{redis.Name}-sentinel-{i + 1}", SentinelBinary.Path, run, ConfigPath(run, $"{redis.Name}-sentinel-{i + 1}"))
                .WithParentRelationship(redis)
                .ExcludeFromManifest();
            app.Eventing.Subscribe<BeforeResourceStartedEvent>(sentinel.Resource, async (e, ct) =>
            {
                if (LocalServer.MissingBinaries(sentinel.Resource.Name, [SentinelBinary]) is { } missing)
                {
                    e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Hosting.LocalServers").LogError("{Missing}", missing);
                }

                var password = await PasswordAsync(redis, ct).ConfigureAwait(false);
                // Sentinel rewrites its own file as it learns (the current primary, the epoch): written once per run,
                // so a restarted sentinel resumes from what it knew instead of the primary the run began with.
                await WriteOnceAsync(run, sentinel.Resource.Name, directory => RedisLocalServer.Config(port, directory, password)
                    .AppendLine(CultureInfo.InvariantCulture, $"sentinel monitor {redis.Name} {LocalServer.Loopback} {PrimaryPort(redis)} {Quorum}")
                    .AppendLine(CultureInfo.InvariantCulture, $"sentinel auth-pass {redis.Name} {password}")
                    .AppendLine(CultureInfo.InvariantCulture, $"sentinel down-after-milliseconds {redis.Name} {downAfterMs}")
                    .AppendLine(CultureInfo.InvariantCulture, $"sentinel failover-timeout {redis.Name} {Math.Max(10_000, downAfterMs * 5)}")
                    .AppendLine(CultureInfo.InvariantCulture, $"sentinel parallel-syncs {redis.Name} 1")
                    .ToString(), ct).ConfigureAwait(false);
            });
        }

        var hosts = string.Join(',', sentinelPorts.Select(p => $"{LocalServer.Loopback}:{p}"));
        return builder.WithAnnotation(new ConnectionStringRedirectAnnotation(new RedisSentinelConnection(redis, hosts)), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// The port of the primary the sentinels name now, or null when none answers (the first start, before they run).
    /// A server that was down through a failover must come back as a replica of the new primary: started as a primary
    /// it would take writes (a lock, a fence, a limiter's count) from any client that reaches it until the sentinels
    /// demote it, and lose them then.
    /// </summary>
    internal static async Task<int?> NamedPrimaryPortAsync(RedisResource redis, CancellationToken cancellationToken)
    {
        if (redis.Annotations.OfType<RedisSentinelsAnnotation>().SingleOrDefault() is not { } sentinels)
        {
            return null;
        }

        var options = new ConfigurationOptions
        {
            CommandMap = CommandMap.Sentinel,
            Password = await PasswordAsync(redis, cancellationToken).ConfigureAwait(false),
            AbortOnConnectFail = false,
            ConnectTimeout = 2_000,
        };
        foreach (var port in sentinels.Ports)
        {
            options.EndPoints.Add(LocalServer.Loopback, port);
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        foreach (var sentinel in connection.GetServers().Where(s => s.IsConnected))
        {
            try
            {
                if (await sentinel.SentinelGetMasterAddressByNameAsync(redis.Name).WaitAsync(cancellationToken).ConfigureAwait(false) is System.Net.IPEndPoint primary)
                {
                    return primary.Port;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // this sentinel is not ready: ask the next
            }
        }

        return null;
    }

    /// <summary>Makes the server a replica of <paramref name="primaryPort"/> unless it is that server.</summary>
    internal static StringBuilder AppendReplicaOf(StringBuilder config, int ownPort, int primaryPort, string? password) =>
        ownPort == primaryPort ? config : config
            .AppendLine(CultureInfo.InvariantCulture, $"replicaof {LocalServer.Loopback} {primaryPort}")
            .AppendLine(CultureInfo.InvariantCulture, $"masterauth {password}");

    private static int PrimaryPort(RedisResource redis) =>
        redis.Annotations.OfType<EndpointAnnotation>().First().Port ?? throw new InvalidOperationException($"{redis.Name}: the primary's port is not pinned yet.");

    private static async Task<string> PasswordAsync(RedisResource redis, CancellationToken cancellationToken) =>
        redis.PasswordParameter is { } parameter
            ? await parameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"{redis.Name}: no password.")
            : throw new InvalidOperationException($"{redis.Name}: a replicated Redis needs a password.");

    private static string ConfigPath(string run, string name) => Path.Combine(run, name, "redis.conf");

    private static async Task WriteOnceAsync(string run, string name, Func<string, string> config, CancellationToken cancellationToken)
    {
        var path = ConfigPath(run, name);
        if (File.Exists(path))
        {
            return;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        await PrivateFile.WriteAsync(path, config(directory), owner: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The connection string every reference gets: the sentinels, the service they watch, the password.</summary>
    private sealed class RedisSentinelConnection(RedisResource redis, string sentinels)
        : Resource($"{redis.Name}-sentinels"), IResourceWithConnectionString
    {
        public ReferenceExpression ConnectionStringExpression { get; } =
            ReferenceExpression.Create($"{sentinels},serviceName={redis.Name},password={redis.PasswordParameter!}");
    }
}

/// <summary>The sentinels' ports of a Redis run with a replica and sentinels: a restarting server asks them for the primary.</summary>
internal sealed record RedisSentinelsAnnotation(IReadOnlyList<int> Ports) : IResourceAnnotation;
