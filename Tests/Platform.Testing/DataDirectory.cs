namespace Platform.Testing;

/// <summary>A temporary directory for servers' data volumes. Other accounts may pass through it (<c>0711</c>), not list
/// it: PostgreSQL runs as <c>postgres</c> when the tests run as root, and must reach its volume inside.</summary>
public static class DataDirectory
{
    public static DirectoryInfo Create()
    {
        var directory = Directory.CreateTempSubdirectory("platform-volumes-");
        if (!OperatingSystem.IsWindows())
        {
            directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        }

        return directory;
    }
}
