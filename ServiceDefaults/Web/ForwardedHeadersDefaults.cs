using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Web;

/// <summary>
/// <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are believed only from the proxies named in <c>ForwardedHeaders:KnownNetworks</c>
/// (comma-separated CIDR ranges), none by default: ASP.NET Core's own default trusts loopback, which would let any
/// local caller mint a fresh client address, and with it a fresh rate-limit budget, per request. The gateway trusts
/// only the load balancers in front of it; the services behind it trust the network the gateway runs in.
/// </summary>
public static class ForwardedHeadersDefaults
{
    public const string KnownNetworksKey = "ForwardedHeaders:KnownNetworks";

    public static IHostApplicationBuilder AddTrustedForwardedHeaders(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var network in (configuration[KnownNetworksKey] ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }

            // With both lists empty the middleware trusts every caller, so no trusted network means no forwarded headers.
            // the host too: the login page's redirects must point at the gateway the browser talks to
            options.ForwardedHeaders = options.KnownIPNetworks.Count > 0
                ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost
                : ForwardedHeaders.None;

            // one hop: the address the trusted proxy saw, not whatever its caller wrote further left
            options.ForwardLimit = 1;
        });
        return builder;
    }
}
