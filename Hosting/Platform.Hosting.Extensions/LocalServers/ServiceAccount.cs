using System.Diagnostics;

namespace Platform.Hosting.LocalServers;

/// <summary>Servers that refuse to run as root (PostgreSQL) run as the account their Debian package created.</summary>
internal static class ServiceAccount
{
    public static bool IsRoot => Environment.UserName == "root";

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
