using System.Globalization;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Platform.Hosting.Resources.RabbitMQ;

internal sealed class RabbitMQServer(RabbitMQServerResource resource) : ILocalServer
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public IReadOnlyList<RequiredBinary> RequiredBinaries { get; } =
    [
        new(ServerScript, "rabbitmq-server"),
        new("/usr/bin/epmd", "erlang-base"),
    ];

    public async Task<IReadOnlyList<ProcessSpec>> PrepareAsync(LocalServerContext context, CancellationToken cancellationToken)
    {
        var port = resource.PrimaryEndpoint.Port;
        var epmdPort = PortAllocator.GetFreePort();
        var distributionPort = PortAllocator.GetFreePort();
        var home = context.ScratchDirectory;

        // Listening on loopback only; the generated user replaces guest.
        await PrivateFile.WriteAsync(Path.Combine(home, "rabbitmq.conf"), $"""
            listeners.tcp.1 = {LocalHost.Address}:{port}
            default_user = {resource.UserName}
            default_pass = {resource.PasswordParameter.Value}
            loopback_users = none
            log.console = true
            log.console.level = info
            log.file = false
            """, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(home, "enabled_plugins"), "[].", cancellationToken).ConfigureAwait(false);

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(context.DataDirectory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log"),
            // Each broker has a private epmd, so a fixed node name cannot clash and a data volume keeps its node directory.
            ["RABBITMQ_NODENAME"] = $"{resource.Name}@localhost",
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq"),
            ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = LocalHost.Address,
            // Makes the start script exec the VM (one process to signal) instead of wrapping it in a shell.
            ["NOTIFY_SOCKET"] = Path.Combine(home, "notify.sock"),
        };

        return
        [
            // Our own epmd on a private port: the broker would otherwise start a daemon that escapes our process group.
            new ProcessSpec("/usr/bin/epmd", ["-port", epmdPort.ToString(CultureInfo.InvariantCulture), "-address", LocalHost.Address])
            {
                DisplayName = "epmd",
                ReadyPort = epmdPort,
                Environment = environment,
                WorkingDirectory = home,
            },
            new ProcessSpec(ServerScript, [])
            {
                Environment = environment,
                WorkingDirectory = home,
            },
        ];
    }

    public async Task<HealthCheckOutcome> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri((await resource.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false))!),
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                AutomaticRecoveryEnabled = false,
            };
            await using var connection = await factory.CreateConnectionAsync("platform-apphost-health", cancellationToken).ConfigureAwait(false);
            return connection.IsOpen ? HealthCheckOutcome.Healthy("AMQP connection open") : HealthCheckOutcome.Unhealthy("AMQP connection closed");
        }
        catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException or IOException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return HealthCheckOutcome.Unhealthy(ex.Message);
        }
    }
}
