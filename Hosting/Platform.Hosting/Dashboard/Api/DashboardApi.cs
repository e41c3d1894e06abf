using Microsoft.AspNetCore.Builder;

namespace Platform.Hosting.Dashboard.Api;

/// <summary>The JSON the pages poll. Every route sits behind <see cref="DashboardAuth"/>.</summary>
internal static class DashboardApi
{
    public static void Map(WebApplication app, IServiceProvider services, CancellationToken stopping)
    {
        ResourceApi.Map(app, services, stopping);
        TelemetryApi.Map(app, services);
    }
}
