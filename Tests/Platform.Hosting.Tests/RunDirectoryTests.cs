using Platform.Hosting.LocalServers;

namespace Platform.Hosting.Tests;

/// <summary>Nothing under /tmp grows run after run: a run whose AppHost is gone (killed, so it could not clean up) is
/// removed by the next one; a live run is left alone.</summary>
public sealed class RunDirectoryTests
{
    [Fact]
    public void A_new_run_removes_runs_whose_AppHost_is_gone_and_keeps_live_ones()
    {
        Directory.CreateDirectory(ServerDirectories.ScratchRoot);
        var dead = Path.Combine(ServerDirectories.ScratchRoot, $"test-{Guid.NewGuid():N}"[..15]);
        Directory.CreateDirectory(Path.Combine(dead, "postgres", "data"));
        File.WriteAllText(Path.Combine(dead, "owner"), "2147483 2020-01-01T00:00:00.0000000Z"); // no such process
        var cutShort = Path.Combine(ServerDirectories.ScratchRoot, $"test-{Guid.NewGuid():N}"[..15]);
        Directory.CreateDirectory(Path.Combine(cutShort, "postgres"));
        Directory.SetLastWriteTimeUtc(cutShort, DateTime.UtcNow.AddHours(-1)); // its owner file went first, long ago

        var live = ServerDirectories.CreateRunDirectory();
        var next = ServerDirectories.CreateRunDirectory();
        try
        {
            Assert.False(Directory.Exists(dead), "a run of a dead AppHost was kept");
            Assert.False(Directory.Exists(cutShort), "a run left half-removed was kept");
            Assert.True(Directory.Exists(live), "a live run was removed");
        }
        finally
        {
            ServerDirectories.RemoveRun(live);
            ServerDirectories.RemoveRun(next);
        }

        Assert.False(Directory.Exists(live));
    }
}
