using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Platform.RateLimiting;
using Xunit;

namespace Platform.BuildingBlocks.Tests;

public sealed class PartitionKeyTests
{
    [Fact]
    public void Behind_a_proxy_one_connection_carries_many_clients_and_each_keeps_its_own_key()
    {
        var key = new DistributedRateLimiterOptions().PartitionKey;
        var connection = new ConnectionItems();

        Assert.Equal("ip:203.0.113.1", key(Request(connection, "203.0.113.1")));
        Assert.Equal("ip:203.0.113.1", key(Request(connection, "203.0.113.1")));
        Assert.Equal("ip:203.0.113.2", key(Request(connection, "203.0.113.2"))); // the same connection, another client
    }

    [Fact]
    public void A_token_names_its_subject_whatever_the_address()
    {
        var context = Request(new ConnectionItems(), "203.0.113.1");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "user-7"), new Claim("name", "alice")], "Bearer"));
        Assert.Equal("sub:user-7", new DistributedRateLimiterOptions().PartitionKey(context));
    }

    private static DefaultHttpContext Request(ConnectionItems connection, string address)
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IConnectionItemsFeature>(connection);
        context.Connection.RemoteIpAddress = IPAddress.Parse(address);
        return context;
    }

    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }
}
