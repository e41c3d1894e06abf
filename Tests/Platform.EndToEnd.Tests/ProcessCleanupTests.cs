using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Platform.EndToEnd.Tests;

/// <summary>No process the AppHost started may outlive it: not after dispose, not after kill -9.</summary>
public sealed partial class ProcessCleanupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Disposing_the_app_stops_every_process_and_removes_its_data()
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "cleanup-test", AppHostDirectory = AppContext.BaseDirectory });
        var cache = builder.AddRedis("cache");
        builder.AddPostgres("postgres").AddDatabase("db");
        var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(app.WaitForResourceHealthyAsync("cache", timeout.Token), app.WaitForResourceHealthyAsync("db", timeout.Token));
        var runDirectory = app.GetRunDirectory();
        var pids = ProcessGroupMembers(app.GetProcessIds());
        Assert.True(pids.Count >= 4, $"expected redis, postgres and its helpers, saw {pids.Count}");

        await app.DisposeAsync();

        Assert.True(await ProcessProbe.WaitUntilAllExitedAsync(pids, TimeSpan.FromSeconds(10)),
            $"still running: {string.Join(", ", pids.Where(ProcessProbe.IsAlive))}");
        Assert.True(await WaitUntilGoneAsync(runDirectory), $"{runDirectory} was not removed");
    }

    [Fact]
    public async Task Killing_the_AppHost_with_SIGKILL_leaves_no_process_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        var appHost = Path.Combine(AppContext.BaseDirectory, "AppHost.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(appHost);
        using var process = Process.Start(start)!;
        var runDirectory = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var allHealthy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.WriteLine(e.Data);
            if (RunDirectoryLine().Match(e.Data) is { Success: true } match)
            {
                runDirectory.TrySetResult(match.Groups[1].Value);
            }

            if (e.Data.Contains("resources healthy in", StringComparison.Ordinal))
            {
                allHealthy.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) => output.WriteLine(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await allHealthy.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
            var directory = await runDirectory.Task;
            var groups = File.ReadAllLines(Path.Combine(directory, "process-groups")).Select(int.Parse).ToList();
            var pids = ProcessGroupMembers(groups);
            Assert.True(pids.Count >= 8, $"expected servers and services, saw {pids.Count}");

            process.Kill(); // SIGKILL: the AppHost gets no chance to clean up

            Assert.True(await ProcessProbe.WaitUntilAllExitedAsync(pids, TimeSpan.FromSeconds(10)),
                $"still running after the AppHost was killed: {string.Join(", ", pids.Where(ProcessProbe.IsAlive).Select(Describe))}");
            Assert.True(await WaitUntilGoneAsync(directory), $"{directory} was not removed");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Every live process in the given process groups and every descendant of one (postgres and the Erlang VM
    /// fork helpers, some into sessions of their own).</summary>
    private static List<int> ProcessGroupMembers(IEnumerable<int> groups)
    {
        var table = new List<(int Pid, int Parent, int Group)>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || !ProcessProbe.IsAlive(pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                table.Add((pid, int.Parse(fields[1]), int.Parse(fields[2])));
            }
            catch (IOException)
            {
            }
        }

        var members = table.Where(p => groups.Contains(p.Group)).Select(p => p.Pid).ToHashSet();
        for (var added = true; added;)
        {
            added = false;
            foreach (var process in table.Where(p => members.Contains(p.Parent) && !members.Contains(p.Pid)))
            {
                added |= members.Add(process.Pid);
            }
        }

        return [.. members];
    }

    private static async Task<bool> WaitUntilGoneAsync(string directory)
    {
        for (var i = 0; i < 100 && Directory.Exists(directory); i++)
        {
            await Task.Delay(100);
        }

        return !Directory.Exists(directory);
    }

    private static string Describe(int pid)
    {
        try
        {
            return $"{pid} {File.ReadAllText($"/proc/{pid}/comm").Trim()}";
        }
        catch (IOException)
        {
            return pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    [GeneratedRegex("run directory (\\S+)")]
    private static partial Regex RunDirectoryLine();
}
