using Platform.Hosting.LocalServers;
using Platform.Hosting.LocalServers.Servers;

namespace Platform.Hosting.Tests;

/// <summary>What each server's process is given: passwords only in 0600 files, loopback only, and one clear line when
/// a binary is missing.</summary>
public sealed class LocalServerTests : IDisposable
{
    private const string Password = "s3cret-Pa55word";
    private readonly TemporaryDirectory _run = new();

    [Fact]
    public async Task Redis_gets_its_password_and_loopback_binding_from_a_private_file_not_its_command_line()
    {
        var server = new RedisLocalServer(new RedisResource("cache", Secret("cache-password"))) { Port = 6390 };
        var directories = Directories("cache");

        await server.PrepareAsync(directories, TestContext.Current.CancellationToken);

        var config = Path.Combine(directories.Scratch, "redis.conf");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var text = await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken);
        Assert.Contains($"requirepass {Password}", text, StringComparison.Ordinal);
        Assert.Contains("bind 127.0.0.1", text, StringComparison.Ordinal);
        Assert.Contains("port 6390", text, StringComparison.Ordinal);
        Assert.Contains("save \"\"", text, StringComparison.Ordinal); // no snapshots in a plain run
        Assert.Contains("appendonly yes", text, StringComparison.Ordinal); // but a restart keeps the data (in the run's scratch)
        Assert.Contains("appendfsync no", text, StringComparison.Ordinal); // flushed by the OS unless the resource asks for more
        Assert.Contains($"dir {directories.Data}", text, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Arguments(directories), a => a.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Redis_takes_its_memory_bound_and_eviction_policy_from_the_resource()
    {
        var resource = new RedisResource("catalog-cache", Secret("catalog-cache-password"));
        resource.Annotations.Add(new RedisMemoryPolicyAnnotation("256mb", "allkeys-lru"));
        var server = new RedisLocalServer(resource) { Port = 6391 };
        var directories = Directories("catalog-cache");

        await server.PrepareAsync(directories, TestContext.Current.CancellationToken);

        var text = await File.ReadAllTextAsync(Path.Combine(directories.Scratch, "redis.conf"), TestContext.Current.CancellationToken);
        Assert.Contains("maxmemory 256mb", text, StringComparison.Ordinal);
        Assert.Contains("maxmemory-policy allkeys-lru", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_with_a_data_volume_persists_to_it_and_syncs_its_append_only_file_as_the_resource_says()
    {
        var resource = new RedisResource("cache", Secret("cache-password"));
        resource.Annotations.Add(new RedisAppendOnlyAnnotation("everysec"));
        var server = new RedisLocalServer(resource) { Port = 6390 };
        var volume = Path.Combine(_run.Path, "volume");
        var directories = ServerDirectories.Create(_run.Path, "cache", volume);
        Directory.CreateDirectory(directories.Scratch);

        await server.PrepareAsync(directories, TestContext.Current.CancellationToken);

        var text = await File.ReadAllTextAsync(Path.Combine(directories.Scratch, "redis.conf"), TestContext.Current.CancellationToken);
        Assert.Contains($"dir {volume}", text, StringComparison.Ordinal);
        Assert.Contains("appendonly yes", text, StringComparison.Ordinal);
        Assert.Contains("appendfsync everysec", text, StringComparison.Ordinal);
        Assert.Contains("save 60 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RabbitMQ_listens_on_loopback_keeps_its_Erlang_distribution_there_and_its_password_in_a_private_file()
    {
        var rabbit = new RabbitMQServerResource("messaging", userName: null, Secret("messaging-password"));
        var server = new RabbitMQLocalServer(rabbit) { Port = 5680 };
        var directories = Directories("messaging");

        await server.PrepareAsync(directories, TestContext.Current.CancellationToken);

        var config = Path.Combine(directories.Scratch, "rabbitmq.conf");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        var text = await File.ReadAllTextAsync(config, TestContext.Current.CancellationToken);
        Assert.Contains("listeners.tcp.1 = 127.0.0.1:5680", text, StringComparison.Ordinal);
        Assert.Contains($"default_pass = {Password}", text, StringComparison.Ordinal);
        var environment = server.Environment(directories).ToDictionary();
        Assert.Equal("-kernel inet_dist_use_interface {127,0,0,1}", environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"]);
        Assert.Equal("127.0.0.1", environment["ERL_EPMD_ADDRESS"]);
        Assert.DoesNotContain(environment.Values, v => v.Contains(Password, StringComparison.Ordinal));
        Assert.Equal(["-port", environment["ERL_EPMD_PORT"], "-address", "127.0.0.1"], server.Helpers.Single().Arguments);
    }

    [Fact]
    public void PostgreSQL_never_runs_as_root_and_takes_no_password_on_its_command_line()
    {
        var postgres = new PostgresServerResource("postgres", userName: null, Secret("postgres-password"));
        var server = new PostgresLocalServer(postgres) { Port = 5440 };
        var arguments = server.Arguments(Directories("postgres")).ToList();

        if (ServiceAccount.IsRoot)
        {
            Assert.Equal("/usr/bin/setpriv", server.Command);
            Assert.Equal(["--reuid=postgres", "--regid=postgres", "--init-groups"], arguments.Take(3));
        }

        Assert.Contains("listen_addresses=127.0.0.1", arguments);
        Assert.Contains("5440", arguments);
        Assert.DoesNotContain(arguments, a => a.Contains(Password, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_binary_is_one_line_naming_the_Debian_package()
    {
        var server = new MissingServer(new ContainerResource("cache"));

        var message = server.MissingBinaries();

        Assert.Equal("cache: /nonexistent/redis-server not found. Install the Debian package: apt-get install -y --no-install-recommends redis-server", message);
        Assert.Null(new RedisLocalServer(new RedisResource("cache", Secret("p"))).MissingBinaries()); // installed here
    }

    public void Dispose() => _run.Dispose();

    private ServerDirectories Directories(string name)
    {
        var directories = ServerDirectories.Create(_run.Path, name, persistentData: null);
        Directory.CreateDirectory(directories.Scratch);
        return directories;
    }

    private static ParameterResource Secret(string name) => new(name, _ => Password, secret: true);

    private sealed class MissingServer(ContainerResource resource) : LocalServer(resource)
    {
        public override IReadOnlyList<RequiredBinary> RequiredBinaries { get; } = [new("/nonexistent/redis-server", "redis-server")];

        public override string Command => "/nonexistent/redis-server";

        public override bool IsDataMount(string target) => false;

        public override IEnumerable<string> Arguments(ServerDirectories directories) => [];

        public override Task PrepareAsync(ServerDirectories directories, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
