using Microsoft.Extensions.Configuration;
using Platform.Hosting.LocalServers.Mode;

namespace Platform.Hosting.Tests;

/// <summary>Where a container runtime answers, the AppHost runs Aspire's containers unchanged; where none does, the
/// servers' Debian binaries; configuration can force either.</summary>
public sealed class ServerModeTests
{
    [Theory]
    [InlineData(null, true, ServerMode.Container)]
    [InlineData(null, false, ServerMode.LocalProcess)]
    [InlineData("", false, ServerMode.LocalProcess)]
    [InlineData("Auto", true, ServerMode.Container)]
    [InlineData("auto", false, ServerMode.LocalProcess)]
    [InlineData("Container", false, ServerMode.Container)]
    [InlineData("LocalProcess", true, ServerMode.LocalProcess)]
    [InlineData(" localprocess ", true, ServerMode.LocalProcess)]
    public void An_explicit_mode_wins_and_auto_follows_the_runtime(string? configured, bool runtimeHealthy, ServerMode expected) =>
        Assert.Equal(expected, ServerModeSelector.Decide(configured, () => runtimeHealthy));

    [Fact]
    public void An_explicit_mode_does_not_probe_the_runtime() =>
        Assert.Equal(ServerMode.Container, ServerModeSelector.Decide("Container", () => throw new InvalidOperationException("probed")));

    [Theory]
    [InlineData("Docker")]
    [InlineData("3")]
    public void An_unknown_mode_is_refused_with_the_choices(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerModeSelector.Decide(configured, () => true));
        Assert.Contains("LocalServers:Mode", error.Message, StringComparison.Ordinal);
        Assert.Contains("LocalProcess", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "docker")]
    [InlineData(null, "podman", "podman")]
    [InlineData("podman", "docker", "podman")]
    public void The_runtime_probed_is_the_one_DCP_would_use(string? environment, string? configured, string expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ASPIRE_CONTAINER_RUNTIME"] = environment,
            ["DcpPublisher:ContainerRuntime"] = configured,
        }).Build();
        Assert.Equal(expected, ContainerRuntimeProbe.RuntimeName(configuration));
    }

    [Fact]
    public void A_runtime_answers_only_when_its_engine_reports_a_version()
    {
        using var scripts = new TemporaryDirectory();
        Assert.True(ContainerRuntimeProbe.IsHealthy(scripts.Script("engine", "echo 28.2.2")));
        Assert.False(ContainerRuntimeProbe.IsHealthy(scripts.Script("no-engine", "echo 'Cannot connect to the Docker daemon' >&2; exit 1")));
        Assert.False(ContainerRuntimeProbe.IsHealthy(scripts.Script("silent", "exit 0")));
        Assert.False(ContainerRuntimeProbe.IsHealthy(Path.Combine(scripts.Path, "not-installed")));
    }
}
