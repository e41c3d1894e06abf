using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Resources.Postgres;
using Platform.Hosting.Resources.RabbitMQ;
using Platform.Hosting.Resources.Redis;

namespace Platform.Hosting;

/// <summary>The servers, with Aspire's names, parameters, images and connection-string formats.</summary>
public static class ServerResourceBuilderExtensions
{
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port = null, IResourceBuilder<ParameterResource>? password = null)
    {
        var redis = new RedisResource(name, password?.Resource ?? builder.AddParameter($"{name}-password", secret: true).Resource);
        return builder.AddResource(redis)
            .WithEndpoint(RedisResource.PrimaryEndpointName, "tcp", RedisResource.DefaultPort, port)
            .WithImage("library/redis", "7.4")
            .WithAnnotation(new ContainerRuntimeAnnotation(
                new Dictionary<string, object> { ["REDIS_PASSWORD"] = redis.PasswordParameter },
                Entrypoint: "/bin/sh",
                Args: ["-c", "redis-server --requirepass $REDIS_PASSWORD"],
                DataPath: "/data"))
            .WithAnnotation(new LocalServerAnnotation(new RedisServer(redis)));
    }

    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name, int? port = null, IResourceBuilder<ParameterResource>? password = null)
    {
        var postgres = new PostgresServerResource(name, "postgres", password?.Resource ?? builder.AddParameter($"{name}-password", secret: true).Resource);
        return builder.AddResource(postgres)
            .WithEndpoint(PostgresServerResource.PrimaryEndpointName, "tcp", PostgresServerResource.DefaultPort, port)
            .WithImage("library/postgres", "17.6")
            .WithAnnotation(new ContainerRuntimeAnnotation(
                new Dictionary<string, object>
                {
                    ["POSTGRES_HOST_AUTH_METHOD"] = "scram-sha-256",
                    ["POSTGRES_INITDB_ARGS"] = "--auth-host=scram-sha-256 --auth-local=scram-sha-256",
                    ["POSTGRES_USER"] = postgres.UserName,
                    ["POSTGRES_PASSWORD"] = postgres.PasswordParameter,
                },
                DataPath: "/var/lib/postgresql/data"))
            .WithAnnotation(new LocalServerAnnotation(new PostgresServer(postgres)));
    }

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> builder, string name, string? databaseName = null)
    {
        var server = builder.Resource;
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server);
        server.AddDatabase(name, database.DatabaseName);
        var runtime = server.Annotations.OfType<LocalServerAnnotation>().Select(a => a.Server).OfType<PostgresServer>().Single();
        return builder.ApplicationBuilder.AddResource(database)
            .WithAnnotation(new ChildResourceAnnotation(
                ct => runtime.CreateDatabaseAsync(database.DatabaseName, ct),
                ct => runtime.QueryAsync(database.DatabaseName, ct)));
    }

    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name, int? port = null, IResourceBuilder<ParameterResource>? password = null, string userName = "platform")
    {
        var rabbit = new RabbitMQServerResource(name, userName, password?.Resource ?? builder.AddParameter($"{name}-password", secret: true).Resource);
        return builder.AddResource(rabbit)
            .WithEndpoint(RabbitMQServerResource.PrimaryEndpointName, "tcp", RabbitMQServerResource.DefaultPort, port)
            .WithImage("library/rabbitmq", "3.13")
            .WithAnnotation(new ContainerRuntimeAnnotation(
                new Dictionary<string, object>
                {
                    ["RABBITMQ_DEFAULT_USER"] = rabbit.UserName,
                    ["RABBITMQ_DEFAULT_PASS"] = rabbit.PasswordParameter,
                },
                DataPath: "/var/lib/rabbitmq"))
            .WithAnnotation(new LocalServerAnnotation(new RabbitMQServer(rabbit)));
    }
}
