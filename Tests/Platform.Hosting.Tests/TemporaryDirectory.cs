namespace Platform.Hosting.Tests;

internal sealed class TemporaryDirectory : IDisposable
{
    // passable by other accounts: PostgreSQL, run as postgres under root, keeps a volume inside
    private readonly DirectoryInfo _directory = Platform.Testing.DataDirectory.Create();

    public string Path => _directory.FullName;

    /// <summary>An executable shell script standing in for a program.</summary>
    public string Script(string name, string body)
    {
        var path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
