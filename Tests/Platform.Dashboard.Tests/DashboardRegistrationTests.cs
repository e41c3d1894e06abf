using Microsoft.Extensions.Configuration;

namespace Platform.Dashboard.Tests;

public sealed class DashboardRegistrationTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("false", null, false)]
    [InlineData("False", null, false)]
    [InlineData("true", null, true)]
    [InlineData(null, "true", false)]
    [InlineData("true", "true", true)]
    public void The_dashboard_runs_unless_disabled_and_under_tests_only_when_asked(string? enabled, string? testing, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dashboard:Enabled"] = enabled,
            ["AppHost:Testing"] = testing,
        }).Build();
        Assert.Equal(expected, DashboardRegistration.IsEnabled(configuration));
    }

    [Fact]
    public void Settings_listen_on_loopback_with_a_fresh_token_and_honour_configured_ports()
    {
        var empty = new ConfigurationBuilder().Build();
        var first = DashboardSettings.FromConfiguration(empty);
        var second = DashboardSettings.FromConfiguration(empty);
        Assert.Equal(System.Net.IPAddress.Loopback, first.ListenAddress);
        Assert.NotEqual(first.BrowserToken, second.BrowserToken);
        Assert.Equal(43, first.BrowserToken.Length);
        Assert.NotEqual(first.Port, first.OtlpPort);

        var configured = DashboardSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dashboard:Port"] = "18888",
            ["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:18889",
        }).Build());
        Assert.Equal("http://127.0.0.1:18888/login?t=" + configured.BrowserToken, configured.LoginUrl);
        Assert.Equal("http://127.0.0.1:18889", configured.OtlpEndpointUrl);
        Assert.Equal(configured.OtlpEndpointUrl, configured.ExportEndpointUrl);
        Assert.NotEqual(18889, configured.OtlpGrpcPort);
    }

    [Fact]
    public void With_the_grpc_protocol_the_projects_are_handed_the_grpc_port()
    {
        var settings = DashboardSettings.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DOTNET_DASHBOARD_OTLP_PROTOCOL"] = "grpc",
            ["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://127.0.0.1:18890",
        }).Build());
        Assert.Equal(18890, settings.OtlpGrpcPort);
        Assert.Equal("http://127.0.0.1:18890", settings.ExportEndpointUrl);
        Assert.NotEqual(18890, settings.OtlpPort);
    }
}
