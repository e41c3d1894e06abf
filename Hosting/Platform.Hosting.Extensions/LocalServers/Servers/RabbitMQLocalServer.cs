using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Platform.Hosting.LocalServers.Servers;

internal sealed class RabbitMQLocalServer : LocalServer
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly RabbitMQServerResource _rabbit;
    private readonly int _epmdPort = FreePort.Next();
    private readonly int _distributionPort = FreePort.Next();

    public RabbitMQLocalServer(RabbitMQServerResource rabbit)
        : base(rabbit)
    {
        _rabbit = rabbit;

        // The broker would start an epmd daemon that outlives it; a private one on a loopback port is ours to stop.
        Helpers = [new HelperProcess("epmd", "/usr/bin/epmd", ["-port", _epmdPort.ToString(CultureInfo.InvariantCulture), "-address", Loopback])];
    }

    public override IReadOnlyList<RequiredBinary> RequiredBinaries { get; } =
    [
        new(ServerScript, "rabbitmq-server"),
        new("/usr/bin/epmd", "erlang-base"),
    ];

    public override IReadOnlyList<HelperProcess> Helpers { get; }

    public override string Command => ServerScript;

    public override bool IsDataMount(string target) => target == "/var/lib/rabbitmq";

    public override IEnumerable<string> Arguments(ServerDirectories directories) => [];

    public override IEnumerable<KeyValuePair<string, string>> Environment(ServerDirectories directories) => new Dictionary<string, string>
    {
        ["HOME"] = directories.Scratch,
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directories.Data, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(directories.Scratch, "log"),
        // A private epmd per broker, so a fixed node name cannot clash and a data volume keeps its node directory.
        ["RABBITMQ_NODENAME"] = $"{Resource.Name}@localhost",
        ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directories.Scratch, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directories.Scratch, "rabbitmq"),
        // The Erlang distribution listens on every interface unless told otherwise.
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        ["ERL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
        ["ERL_EPMD_ADDRESS"] = Loopback,
        // Makes the start script exec the VM (one process for DCP to signal) instead of wrapping it in a shell.
        ["NOTIFY_SOCKET"] = Path.Combine(directories.Scratch, "notify.sock"),
    };

    public override async Task PrepareAsync(ServerDirectories directories, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directories.Data);
        Directory.CreateDirectory(Path.Combine(directories.Scratch, "log"));
        var user = await _rabbit.UserNameReference.GetValueAsync(cancellationToken).ConfigureAwait(false);
        var password = await _rabbit.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
        await PrivateFile.WriteAsync(Path.Combine(directories.Scratch, "rabbitmq.conf"), $"""
            listeners.tcp.1 = {Loopback}:{Port}
            default_user = {user}
            default_pass = {password}
            loopback_users = none
            log.console = true
            log.console.level = info
            log.file = false
            """, owner: null, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(directories.Scratch, "enabled_plugins"), "[].", cancellationToken).ConfigureAwait(false);
    }
}
