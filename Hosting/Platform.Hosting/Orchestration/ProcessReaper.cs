using System.Diagnostics;

namespace Platform.Hosting.Orchestration;

/// <summary>
/// Guarantees that no child outlives the AppHost, even after <c>kill -9</c>. A small shell process in its own session
/// reads a pipe whose only writer is the AppHost; the kernel closes that pipe however the AppHost dies, the read returns,
/// and the reaper kills every process group still listed, then removes the run directory.
/// </summary>
internal sealed class ProcessReaper : IDisposable
{
    // POSIX sh (dash): its kill takes no "--", so a negative PID (a process group) follows the signal directly.
    private const string Script = """
        exec >/dev/null 2>&1
        cat >/dev/null
        [ -f "$1/process-groups" ] && while read -r group; do kill -KILL "-$group"; done < "$1/process-groups"
        [ "$2" = "delete" ] && rm -rf "$1"
        exit 0
        """;

    private readonly Lock _gate = new();
    private readonly HashSet<int> _groups = [];
    private readonly string _listPath;
    private readonly Process _reaper;

    public ProcessReaper(string runDirectory, bool deleteRunDirectory)
    {
        _listPath = Path.Combine(runDirectory, "process-groups");
        File.WriteAllText(_listPath, "");
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "sh", "-c", Script, "platform-reaper", runDirectory, deleteRunDirectory ? "delete" : "keep" })
        {
            start.ArgumentList.Add(arg);
        }

        _reaper = Process.Start(start) ?? throw new InvalidOperationException("Could not start the process reaper.");
    }

    public int ProcessId => _reaper.Id;

    public void Track(int processGroupId)
    {
        lock (_gate)
        {
            _groups.Add(processGroupId);
            Save();
        }
    }

    public void Untrack(int processGroupId)
    {
        lock (_gate)
        {
            _groups.Remove(processGroupId);
            Save();
        }
    }

    /// <summary>Closing the pipe is the signal: the reaper does its last sweep and exits.</summary>
    public void Dispose()
    {
        try
        {
            _reaper.StandardInput.Close();
            _reaper.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (InvalidOperationException)
        {
        }

        _reaper.Dispose();
    }

    private void Save()
    {
        var temp = _listPath + ".tmp";
        File.WriteAllLines(temp, _groups.Select(g => g.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        File.Move(temp, _listPath, overwrite: true);
    }
}
