using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Platform.Hosting.LocalServers.Mode;

/// <summary>Asks the container runtime DCP would use (docker unless configured otherwise) whether its engine runs:
/// a CLI without an engine answers <c>info</c> with an error.</summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>The runtime as Aspire picks it: <c>ASPIRE_CONTAINER_RUNTIME</c>, then <c>DcpPublisher:ContainerRuntime</c>, then docker.</summary>
    public static string RuntimeName(IConfiguration configuration) =>
        configuration["ASPIRE_CONTAINER_RUNTIME"] is { Length: > 0 } fromEnvironment ? fromEnvironment
        : configuration["DcpPublisher:ContainerRuntime"] is { Length: > 0 } configured ? configured
        : "docker";

    public static bool IsHealthy(string runtime)
    {
        var start = new ProcessStartInfo(runtime)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "info", "--format", "{{.ServerVersion}}" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start);
            if (process is null)
            {
                return false;
            }

            var version = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Patience))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0 && !string.IsNullOrWhiteSpace(version.Result);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such CLI on PATH
        }
    }
}
