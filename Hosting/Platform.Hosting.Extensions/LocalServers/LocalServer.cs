using Aspire.Hosting.ApplicationModel;

namespace Platform.Hosting.LocalServers;

/// <summary>
/// How one kind of server runs as a local process: it plays the part of the container image (which binary, which
/// arguments, which configuration) while the resource stays Aspire's own <see cref="ContainerResource"/>. Secrets go
/// in 0600 files, never on a command line; servers listen on loopback only.
/// </summary>
internal abstract class LocalServer(ContainerResource resource)
{
    public const string Loopback = "127.0.0.1";

    public ContainerResource Resource { get; } = resource;

    /// <summary>The port the server listens on, pinned before DCP starts anything.</summary>
    public int Port { get; set; }

    /// <summary>What must be installed, with the Debian package that installs it.</summary>
    public abstract IReadOnlyList<RequiredBinary> RequiredBinaries { get; }

    /// <summary>The executable DCP starts.</summary>
    public abstract string Command { get; }

    /// <summary>Whether a container mount at this target holds the server's data (then it outlives the run).</summary>
    public abstract bool IsDataMount(string target);

    /// <summary>Processes started once, before the server, and kept for the AppHost's lifetime (RabbitMQ's epmd).</summary>
    public virtual IReadOnlyList<HelperProcess> Helpers => [];

    public abstract IEnumerable<string> Arguments(ServerDirectories directories);

    public virtual IEnumerable<KeyValuePair<string, string>> Environment(ServerDirectories directories) => [];

    /// <summary>One line a newcomer can act on when a binary is missing (which, and the Debian package to install), else null.</summary>
    public string? MissingBinaries() => MissingBinaries(Resource.Name, RequiredBinaries);

    /// <summary>The same line for any resource that runs one of these binaries (Redis's replica and sentinels).</summary>
    internal static string? MissingBinaries(string resourceName, IEnumerable<RequiredBinary> binaries)
    {
        var missing = binaries.Where(b => !File.Exists(b.Path)).ToList();
        return missing.Count == 0 ? null
            : $"{resourceName}: {string.Join(", ", missing.Select(m => m.Path))} not found. Install the Debian package: " +
              $"apt-get install -y --no-install-recommends {string.Join(' ', missing.Select(m => m.DebianPackage).Distinct())}";
    }

    /// <summary>Writes configuration and initialises data; runs before every start, restarts included.</summary>
    public abstract Task PrepareAsync(ServerDirectories directories, CancellationToken cancellationToken);
}
