using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Platform.Hosting.LocalServers;

/// <summary>
/// Where a local server keeps its files. Scratch (configuration, sockets) lives in a directory of this AppHost run under
/// <c>$TMPDIR/platform-servers</c>, removed when the AppHost stops; a run that was killed leaves its directory to the
/// next run, which removes every directory whose AppHost process is gone, so nothing grows run after run. Data lives in
/// scratch too unless the resource has a data volume or bind mount: then in that volume's directory, kept across runs.
/// </summary>
internal sealed class ServerDirectories
{
    private const string OwnerFile = "owner";

    private ServerDirectories(string scratch, string data, bool isPersistent)
    {
        Scratch = scratch;
        Data = data;
        IsPersistent = isPersistent;
    }

    public static string ScratchRoot => Path.Combine(Path.GetTempPath(), "platform-servers");

    /// <summary>Named volumes live under <c>LocalServers:VolumeRoot</c>, else, as Docker keeps its volumes,
    /// <c>/var/lib/platform-servers/volumes</c> for root (PostgreSQL runs as <c>postgres</c>, which cannot enter
    /// <c>/root</c>) and <c>$XDG_DATA_HOME</c> (else <c>~/.local/share</c>) <c>/platform-servers/volumes</c> for anyone
    /// else: kept across runs.</summary>
    public static string VolumeRoot(IConfiguration configuration) =>
        configuration["LocalServers:VolumeRoot"] is { Length: > 0 } root ? Path.GetFullPath(root)
        : ServiceAccount.IsRoot ? "/var/lib/platform-servers/volumes"
        : Path.Combine(
            Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } data
                ? data
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"),
            "platform-servers", "volumes");

    /// <summary>Creates the volume's directory; those it creates above it let other accounts pass (<c>0711</c>), not list.</summary>
    public static void CreateVolume(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Local servers run on Linux (Debian packages).");
        }

        var missing = new Stack<string>();
        for (var directory = Path.GetFullPath(path); !Directory.Exists(directory); directory = Path.GetDirectoryName(directory)!)
        {
            missing.Push(directory);
        }

        foreach (var directory in missing)
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    public string Scratch { get; }

    public string Data { get; }

    public bool IsPersistent { get; }

    public static ServerDirectories Create(string runDirectory, string resourceName, string? persistentData)
    {
        var scratch = Path.Combine(runDirectory, resourceName);
        return new ServerDirectories(scratch, persistentData ?? Path.Combine(scratch, "data"), persistentData is not null);
    }

    /// <summary>A fresh directory for this run, owned by this process; directories of runs whose process is gone are removed first.</summary>
    public static string CreateRunDirectory()
    {
        Directory.CreateDirectory(ScratchRoot);
        RemoveAbandonedRuns();

        // Short: PostgreSQL's socket path must stay under 107 bytes.
        var run = Path.Combine(ScratchRoot, Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, OwnerFile), OwnerIdentity(Environment.ProcessId) ?? "");
        return run;
    }

    /// <summary>Removes a run's directory, its owner file last: a removal cut short stays recognisable as abandoned.</summary>
    public static void RemoveRun(string runDirectory)
    {
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(runDirectory).Where(e => Path.GetFileName(e) != OwnerFile))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }

            Directory.Delete(runDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A server still writing as it stops; the next run removes what is left.
        }
    }

    private static void RemoveAbandonedRuns()
    {
        foreach (var run in Directory.EnumerateDirectories(ScratchRoot))
        {
            var owner = Path.Combine(run, OwnerFile);
            string recorded;
            try
            {
                recorded = File.ReadAllText(owner).Trim();
            }
            catch (IOException)
            {
                // Being created right now, or left by a removal cut short long ago.
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(run) > TimeSpan.FromMinutes(10))
                {
                    RemoveRun(run);
                }

                continue;
            }

            var pid = int.TryParse(recorded.Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
            if (pid == 0 || OwnerIdentity(pid) != recorded)
            {
                RemoveRun(run);
            }
        }
    }

    /// <summary>The pid with its start time, so a reused pid does not pass for the AppHost that made the directory. On
    /// Linux the start time is the kernel's own count (<c>/proc/{pid}/stat</c>, clock ticks after boot), the same whoever
    /// reads it: <see cref="Process.StartTime"/> adds a boot time computed at each call, which differs between processes
    /// in its last digits, so an AppHost once took a second AppHost's live directory for abandoned and removed it (two
    /// test lanes at once: Redis's configuration gone, the server failing).</summary>
    private static string? OwnerIdentity(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // after the command name in parentheses (which may hold spaces): field 3 onwards; the start time is field 22
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return string.Create(CultureInfo.InvariantCulture, $"{pid} {fields[19]}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return OperatingSystem.IsLinux() ? null : StartTimeToTheSecond(pid);
        }
    }

    private static string? StartTimeToTheSecond(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return string.Create(CultureInfo.InvariantCulture, $"{pid} {process.StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ss}");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
