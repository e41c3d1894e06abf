using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Platform.Hosting.LocalServers.Servers;

internal sealed class PostgresLocalServer(PostgresServerResource postgres) : LocalServer(postgres)
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    // PostgreSQL refuses to run as root; the Debian package creates this account.
    private const string Account = "postgres";

    // DCP stops a process with SIGTERM, which PostgreSQL takes as "smart" shutdown: it would wait for every client
    // (the services' pools) to leave. This shell turns SIGTERM into SIGINT, "fast" shutdown: roll back, checkpoint, exit.
    private const string FastShutdownShell = "trap 'kill -INT $child' TERM INT; \"$@\" & child=$!; wait $child; trap - TERM INT; wait $child";

    public override IReadOnlyList<RequiredBinary> RequiredBinaries { get; } =
    [
        new($"{BinDirectory}/initdb", "postgresql"),
        new($"{BinDirectory}/postgres", "postgresql"),
    ];

    public override string Command => ServiceAccount.IsRoot ? "/usr/bin/setpriv" : "/bin/sh";

    public override bool IsDataMount(string target) => target.StartsWith("/var/lib/postgresql", StringComparison.Ordinal);

    public override IEnumerable<string> Arguments(ServerDirectories directories)
    {
        if (ServiceAccount.IsRoot)
        {
            foreach (var argument in new[] { $"--reuid={Account}", $"--regid={Account}", "--init-groups", "/bin/sh" })
            {
                yield return argument;
            }
        }

        foreach (var argument in new[]
        {
            "-c", FastShutdownShell, "postgres",
            $"{BinDirectory}/postgres",
            "-D", ClusterDirectory(directories),
            "-p", Port.ToString(CultureInfo.InvariantCulture),
            "-c", $"listen_addresses={Loopback}",
            "-c", $"unix_socket_directories={SocketDirectory(directories)}",
            "-c", "max_connections=300",
            "-c", "logging_collector=off",
        })
        {
            yield return argument;
        }
    }

    public override async Task PrepareAsync(ServerDirectories directories, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(SocketDirectory(directories));
        Directory.CreateDirectory(directories.Data);
        ServiceAccount.EnsureReachable(directories.Data, Account);
        await ServiceAccount.ChownAsync(directories.Scratch, Account, recursive: true, cancellationToken).ConfigureAwait(false);
        await ServiceAccount.ChownAsync(directories.Data, Account, recursive: true, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(Path.Combine(ClusterDirectory(directories), "PG_VERSION")))
        {
            await InitializeClusterAsync(directories, cancellationToken).ConfigureAwait(false);
        }

        RemoveStaleLock(Path.Combine(ClusterDirectory(directories), "postmaster.pid"));
        foreach (var socketLock in Directory.EnumerateFiles(SocketDirectory(directories), ".s.PGSQL.*.lock"))
        {
            RemoveStaleLock(socketLock);
        }
    }

    /// <summary>
    /// A server killed outright leaves its lock files (<c>postmaster.pid</c>, the socket's <c>.lock</c>). PostgreSQL
    /// ignores one whose process is gone, but takes a zombie (killed, not yet reaped by whoever inherited it) for a
    /// running server and refuses to start; a zombie holds nothing (no memory, no socket), so its lock file is removed
    /// here and the restart recovers by itself.
    /// </summary>
    private static void RemoveStaleLock(string lockFile)
    {
        if (File.Exists(lockFile)
            && int.TryParse(File.ReadLines(lockFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && !IsRunning(pid))
        {
            File.Delete(lockFile);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] is not ('Z' or 'X');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ClusterDirectory(ServerDirectories directories) => Path.Combine(directories.Data, "pgdata");

    private static string SocketDirectory(ServerDirectories directories) => Path.Combine(directories.Scratch, "socket");

    private async Task InitializeClusterAsync(ServerDirectories directories, CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(directories.Scratch, "initdb.pw");
        await PrivateFile.WriteAsync(passwordFile, await postgres.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "",
            ServiceAccount.IsRoot ? Account : null, cancellationToken).ConfigureAwait(false);
        try
        {
            var userName = await postgres.UserNameReference.GetValueAsync(cancellationToken).ConfigureAwait(false) ?? "postgres";
            var start = new ProcessStartInfo(ServiceAccount.IsRoot ? "/usr/bin/setpriv" : $"{BinDirectory}/initdb")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = directories.Scratch,
            };
            if (ServiceAccount.IsRoot)
            {
                foreach (var argument in new[] { $"--reuid={Account}", $"--regid={Account}", "--init-groups", $"{BinDirectory}/initdb" })
                {
                    start.ArgumentList.Add(argument);
                }
            }

            foreach (var argument in new[]
            {
                "-D", ClusterDirectory(directories), "-U", userName, $"--pwfile={passwordFile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"initdb failed ({process.ExitCode}): {await error.ConfigureAwait(false)}{await output.ConfigureAwait(false)}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }
}
