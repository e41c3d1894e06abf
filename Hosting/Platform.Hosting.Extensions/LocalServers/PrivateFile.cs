namespace Platform.Hosting.LocalServers;

/// <summary>Files that hold a password: mode 0600, owned by the account the server runs as.</summary>
internal static class PrivateFile
{
    public static async Task WriteAsync(string path, string contents, string? owner, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Local servers run on Linux (Debian packages).");
        }

        // Created empty with 0600 before the secret goes in, so it is never readable by others, not even briefly.
        await using (var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(contents.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        if (owner is not null)
        {
            await ServiceAccount.ChownAsync(path, owner, recursive: false, cancellationToken).ConfigureAwait(false);
        }
    }
}
