using System.Diagnostics;
using System.Text;

namespace Platform.Hosting.Orchestration;

/// <summary>Runs a setup command (initdb) to completion and fails with its output if it fails.</summary>
internal static class OneShotProcess
{
    public static async Task RunAsync(ProcessSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(spec.RunAsUser is not null && NativeMethods.IsRoot ? "setpriv" : spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        if (spec.RunAsUser is not null && NativeMethods.IsRoot)
        {
            foreach (var arg in new[] { $"--reuid={spec.RunAsUser}", $"--regid={spec.RunAsUser}", "--init-groups", "--", spec.FileName })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in spec.Arguments)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {spec.FileName}.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout.ConfigureAwait(false)).Append(await stderr.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(spec.FileName)} exited with code {process.ExitCode}: {output}");
        }
    }
}
