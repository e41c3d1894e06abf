namespace Platform.Hosting.Orchestration;

/// <summary>Files holding secrets: readable by their owner only.</summary>
internal static class PrivateFile
{
    public static async Task WriteAsync(string path, string contents, CancellationToken cancellationToken, string? owner = null)
    {
        await File.WriteAllTextAsync(path, contents, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (owner is not null)
        {
            await FileOwnership.ChownAsync(path, owner, recursive: false, cancellationToken).ConfigureAwait(false);
        }
    }
}

internal static class FileOwnership
{
    public static async Task ChownAsync(string path, string owner, bool recursive, CancellationToken cancellationToken)
    {
        if (!NativeMethods.IsRoot)
        {
            return;
        }

        var start = new System.Diagnostics.ProcessStartInfo("chown") { RedirectStandardError = true };
        if (recursive)
        {
            start.ArgumentList.Add("-R");
        }

        start.ArgumentList.Add($"{owner}:{owner}");
        start.ArgumentList.Add(path);
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown {owner} {path} failed: {await process.StandardError.ReadToEndAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }
}
