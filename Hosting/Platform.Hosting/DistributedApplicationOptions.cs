namespace Platform.Hosting;

public sealed class DistributedApplicationOptions
{
    public string[] Args { get; set; } = [];

    /// <summary>Directory of the AppHost project; found from the entry assembly's metadata when not set.</summary>
    public string? AppHostDirectory { get; set; }

    /// <summary>Name of the application, used for the run directory and persistent volumes.</summary>
    public string? ApplicationName { get; set; }

    /// <summary>Tests ask for quiet consoles: child output is still captured in each resource's log buffer.</summary>
    public bool EchoResourceLogs { get; set; } = true;
}
