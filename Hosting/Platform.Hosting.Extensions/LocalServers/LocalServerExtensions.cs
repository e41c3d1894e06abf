using Aspire.Hosting.ApplicationModel;
using Platform.Hosting.LocalServers;
using Platform.Hosting.LocalServers.Mode;
using Platform.Hosting.LocalServers.Servers;

namespace Aspire.Hosting;

/// <summary>
/// Lets Aspire's Redis, PostgreSQL and RabbitMQ resources run as local processes (the servers' Debian packages) where no
/// container runtime runs, and as Aspire's standard containers where one does. Publish mode is never affected: the
/// manifest shows the standard containers. <c>LocalServers:Mode</c> (<c>Auto</c>, <c>Container</c>, <c>LocalProcess</c>)
/// overrides the automatic choice.
/// </summary>
public static class LocalServerExtensions
{
    /// <summary>
    /// As a local process Redis listens on loopback without TLS, whatever Aspire would choose for its container: Aspire
    /// 13.6 turns TLS on (rediss://) wherever a trusted development certificate exists, and the local server, whose
    /// configuration has no certificate, then never became healthy, so every start on such a machine hung (issue 29).
    /// </summary>
    public static IResourceBuilder<RedisResource> WithLocalProcessFallback(this IResourceBuilder<RedisResource> builder)
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && ServerModeSelector.Resolve(builder.ApplicationBuilder) == ServerMode.LocalProcess)
        {
#pragma warning disable ASPIRECERTIFICATES001 // experimental in 13.6, and the documented way to turn the choice off
            builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
        }

        return builder.WithLocalProcessFallback(resource => new RedisLocalServer(resource));
    }

    public static IResourceBuilder<PostgresServerResource> WithLocalProcessFallback(this IResourceBuilder<PostgresServerResource> builder) =>
        builder.WithLocalProcessFallback(resource => new PostgresLocalServer(resource));

    public static IResourceBuilder<RabbitMQServerResource> WithLocalProcessFallback(this IResourceBuilder<RabbitMQServerResource> builder) =>
        builder.WithLocalProcessFallback(resource => new RabbitMQLocalServer(resource));

    private static IResourceBuilder<T> WithLocalProcessFallback<T>(this IResourceBuilder<T> builder, Func<T, LocalServer> create)
        where T : ContainerResource
    {
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && ServerModeSelector.Resolve(builder.ApplicationBuilder) == ServerMode.LocalProcess)
        {
            LocalServerHost.Attach(builder.ApplicationBuilder, create(builder.Resource));
        }

        return builder;
    }
}
