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

    [Fact]
    public async Task A_run_made_by_another_live_process_is_kept_whoever_starts_next()
    {
        // another process writes its own identity, as an AppHost in another test lane or terminal does; its start time
        // read there must be the one read here (Process.StartTime differed between processes in its last digits)
        var other = Path.Combine(ServerDirectories.ScratchRoot, $"test-{Guid.NewGuid():N}"[..15]);
        Directory.CreateDirectory(Path.Combine(other, "cache"));
        using var owner = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash",
            ["-c", $"echo \"$$ $(cut -d' ' -f22 /proc/$$/stat)\" > {other}/owner.tmp && mv {other}/owner.tmp {other}/owner && exec sleep 60"]))!;
        try
        {
            while (!File.Exists(Path.Combine(other, "owner")))
            {
                Assert.False(owner.HasExited, "the other process ended before it wrote its identity");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            var next = ServerDirectories.CreateRunDirectory();
            ServerDirectories.RemoveRun(next);
            Assert.True(Directory.Exists(Path.Combine(other, "cache")), "a live AppHost's run was removed by the next one");
        }
        finally
        {
            owner.Kill();
            await owner.WaitForExitAsync(CancellationToken.None);
            ServerDirectories.RemoveRun(other);
        }
    }
}
