using Platform.Testing;
using Xunit;

namespace Platform.Gateway.Tests;

/// <summary>The gateway's own API (the waiting room), and the notification service's, which has no test project of
/// its own: its API is exercised here, through the gateway.</summary>
public sealed class ApiDocumentTests
{
    [Fact]
    public async Task Every_route_of_the_notification_service_is_in_its_OpenAPI_document() =>
        Assert.Empty(await ApiDocumentCoverage.UndocumentedRoutesAsync<Platform.Notification.Model.Notification>("cache", "notificationdb", "messaging"));

    [Fact]
    public async Task Every_route_of_the_gateway_is_in_its_OpenAPI_document() =>
        Assert.Empty(await ApiDocumentCoverage.UndocumentedRoutesAsync<Platform.Gateway.Options.WaitingRoomOptions>("cache"));
}
