using System.Diagnostics;

namespace Platform.Hosting.LocalServers;

/// <summary>Servers that refuse to run as root (PostgreSQL) run as the account their Debian package created.</summary>
internal static class ServiceAccount
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Fails with what to do when <paramref name="owner"/> could not reach <paramref name="path"/>: every
    /// directory above it must let others pass (<c>o+x</c>), as <c>/root</c> and private temporary directories do not.</summary>
    public static void EnsureReachable(string path, string owner)
    {
        if (!IsRoot)
        {
            return;
        }

        for (var directory = Directory.GetParent(Path.GetFullPath(path)); directory is not null; directory = directory.Parent)
        {
            if (directory.Exists && (directory.UnixFileMode & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException($"{owner} cannot reach {path}: {directory.FullName} is closed to other accounts. "
                    + "Choose a data directory it can reach (LocalServers:VolumeRoot), or open the parent directories (chmod o+x).");
            }
        }
    }

    public static async Task ChownAsync(string path, string owner, bool recursive, CancellationToken cancellationToken)
    {
        if (!IsRoot)
        {
            return;
        }

        var start = new ProcessStartInfo("chown") { RedirectStandardError = true };
        if (recursive)
        {
            start.ArgumentList.Add("-R");
        }

        start.ArgumentList.Add($"{owner}:{owner}");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {owner} {path} failed: {error.Trim()}");
        }
    }
}
