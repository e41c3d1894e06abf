namespace Platform.Hosting.LocalServers.Mode;

/// <summary>How the AppHost runs Redis, PostgreSQL and RabbitMQ in run mode (publish mode always writes containers).</summary>
public enum ServerMode
{
    /// <summary>Containers when a container runtime answers, local processes otherwise.</summary>
    Auto,

    /// <summary>Aspire's standard containers, whatever the machine has.</summary>
    Container,

    /// <summary>The servers' Debian binaries as local processes under DCP.</summary>
    LocalProcess,
}
