namespace Platform.Hosting.Orchestration;

public enum StopSignal
{
    Terminate = 15,
    Interrupt = 2,
}

/// <summary>How to start one child process.</summary>
public sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Run under this account when the AppHost is root (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUser { get; init; }

    /// <summary>The signal that asks this program for a clean, fast shutdown.</summary>
    public StopSignal StopSignal { get; init; } = StopSignal.Terminate;

    /// <summary>Name shown in logs when a resource runs more than one process (RabbitMQ runs epmd beside the broker).</summary>
    public string? DisplayName { get; init; }

    /// <summary>When set, the next process of the resource starts only once this loopback port accepts connections.</summary>
    public int? ReadyPort { get; init; }
}
