namespace Platform.Hosting.Orchestration;

/// <summary>Per-run scratch space (configs, non-persistent data) and the home of persistent volumes.</summary>
public sealed class RunDirectory
{
    public RunDirectory(string applicationName, string appHostDirectory)
    {
        // Under /tmp rather than the repo: PostgreSQL runs as another user and must reach its data directory.
        var root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "platform-apphost");
        Directory.CreateDirectory(root);
        Path = System.IO.Path.Combine(root, $"{applicationName}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(Path);
        if (!OperatingSystem.IsWindows())
        {
            // Others may traverse (the postgres account) but not list or read.
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }

        VolumesRoot = System.IO.Path.Combine("/var/tmp", "platform-apphost", applicationName);
        AppHostDirectory = appHostDirectory;
    }

    public string Path { get; }

    public string VolumesRoot { get; }

    public string AppHostDirectory { get; }

    public string For(string resourceName)
    {
        var dir = System.IO.Path.Combine(Path, resourceName);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public string Volume(string volumeName)
    {
        var dir = System.IO.Path.Combine(VolumesRoot, volumeName);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
