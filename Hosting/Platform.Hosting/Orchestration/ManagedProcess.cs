using System.Diagnostics;

namespace Platform.Hosting.Orchestration;

/// <summary>One child process in a session of its own, its output captured line by line.</summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessSpec _spec;
    private readonly ProcessReaper _reaper;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ManagedProcess(Process process, ProcessSpec spec, ProcessReaper reaper)
    {
        _process = process;
        _spec = spec;
        _reaper = reaper;
    }

    public int Id => _process.Id;

    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ManagedProcess Start(ProcessSpec spec, ProcessReaper reaper, Action<string, bool> onOutput)
    {
        // setsid makes the child lead a new session and process group (it execs, so the PID is the program's own),
        // which keeps Ctrl+C on the terminal away from it and lets one signal reach everything it forks.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.RunAsUser is not null && NativeMethods.IsRoot)
        {
            foreach (var arg in new[] { "setpriv", $"--reuid={spec.RunAsUser}", $"--regid={spec.RunAsUser}", "--init-groups", "--" })
            {
                start.ArgumentList.Add(arg);
            }
        }

        start.ArgumentList.Add(spec.FileName);
        foreach (var arg in spec.Arguments)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in spec.Environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var managed = new ManagedProcess(process, spec, reaper);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, false);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onOutput(e.Data, true);
            }
        };
        process.Exited += (_, _) => managed.OnExited();

        process.Start();
        reaper.Track(process.Id);
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>Asks for a clean shutdown, then kills the whole process group if it does not come in time.</summary>
    public async Task StopAsync(TimeSpan gracePeriod)
    {
        if (!HasExited)
        {
            NativeMethods.Signal(Id, (int)_spec.StopSignal);
            await Task.WhenAny(Exited, Task.Delay(gracePeriod)).ConfigureAwait(false);
        }

        // Also sweeps helpers left in the group after a clean exit.
        NativeMethods.SignalGroup(Id, NativeMethods.SigKill);
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _reaper.Untrack(Id);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _process.Dispose();
    }

    private void OnExited()
    {
        // WaitForExit() after Exited also drains the redirected output.
        _process.WaitForExit();
        _exited.TrySetResult(_process.ExitCode);
    }
}
