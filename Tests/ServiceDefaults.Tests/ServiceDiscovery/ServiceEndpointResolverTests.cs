using Microsoft.Extensions.Configuration;
using Platform.ServiceDefaults.ServiceDiscovery;

namespace Platform.ServiceDefaults.Tests.ServiceDiscovery;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Requests_are_spread_round_robin_over_every_replica()
    {
        using var resolver = Resolver(
            ("services:catalog:http:0", "http://localhost:5001"),
            ("services:catalog:http:1", "http://localhost:5002"),
            ("services:catalog:http:2", "http://127.0.0.1:5003"));

        var resolved = Enumerable.Range(0, 6)
            .Select(_ => resolver.Resolve(new Uri("http://catalog/items/42?currency=EUR")).ToString())
            .ToList();

        Assert.Equal(
        [
            "http://localhost:5001/items/42?currency=EUR",
            "http://localhost:5002/items/42?currency=EUR",
            "http://127.0.0.1:5003/items/42?currency=EUR",
            "http://localhost:5001/items/42?currency=EUR",
            "http://localhost:5002/items/42?currency=EUR",
            "http://127.0.0.1:5003/items/42?currency=EUR",
        ], resolved);
    }

    [Fact]
    public void Replicas_are_taken_in_numeric_index_order()
    {
        using var resolver = Resolver(
            ("services:catalog:http:10", "http://localhost:5010"),
            ("services:catalog:http:2", "http://localhost:5002"));

        Assert.Equal("http://localhost:5002/", resolver.Resolve(new Uri("http://catalog/")).ToString());
        Assert.Equal("http://localhost:5010/", resolver.Resolve(new Uri("http://catalog/")).ToString());
    }

    [Fact]
    public void Https_plus_http_prefers_https_endpoints()
    {
        using var resolver = Resolver(
            ("services:catalog:http:0", "http://localhost:5001"),
            ("services:catalog:https:0", "https://localhost:7001"));

        Assert.Equal("https://localhost:7001/items", resolver.Resolve(new Uri("https+http://catalog/items")).ToString());
        Assert.Equal("http://localhost:5001/items", resolver.Resolve(new Uri("http://catalog/items")).ToString());
    }

    [Fact]
    public void Https_plus_http_falls_back_to_http()
    {
        using var resolver = Resolver(("services:catalog:http:0", "http://localhost:5001"));

        Assert.Equal("http://localhost:5001/items", resolver.Resolve(new Uri("https+http://catalog/items")).ToString());
    }

    [Fact]
    public void An_endpoint_without_a_scheme_takes_the_configured_one()
    {
        using var resolver = Resolver(("services:catalog:http:0", "localhost:5001"));

        Assert.Equal("http://localhost:5001/x", resolver.Resolve(new Uri("http://catalog/x")).ToString());
    }

    [Fact]
    public void An_endpoint_with_a_path_prefixes_the_request_path()
    {
        using var resolver = Resolver(("services:catalog:http:0", "http://localhost:5001/catalog-api/"));

        Assert.Equal("http://localhost:5001/catalog-api/items?q=1", resolver.Resolve(new Uri("http://catalog/items?q=1")).ToString());
    }

    [Fact]
    public void An_underscore_prefix_selects_a_named_endpoint()
    {
        using var resolver = Resolver(
            ("services:catalog:http:0", "http://localhost:5001"),
            ("services:catalog:admin:0", "http://localhost:5901"));

        Assert.Equal("http://localhost:5901/stats", resolver.Resolve(new Uri("http://_admin.catalog/stats")).ToString());
        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(new Uri("http://_grpc.catalog/")));
        Assert.Contains("services:catalog:grpc:0", error.Message);
    }

    [Fact]
    public void An_unknown_service_fails_naming_the_configuration_key_it_expected()
    {
        using var resolver = Resolver(("services:catalog:http:0", "http://localhost:5001"));

        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(new Uri("http://payment/pay")));

        Assert.Contains("'payment'", error.Message);
        Assert.Contains("services:payment:http:0", error.Message);
        Assert.Contains("services__payment__http__0", error.Message);
    }

    [Fact]
    public void A_service_without_an_endpoint_for_the_scheme_fails()
    {
        using var resolver = Resolver(("services:catalog:https:0", "https://localhost:7001"));

        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(new Uri("http://catalog/")));

        Assert.Contains("services:catalog:http:0", error.Message);
    }

    [Fact]
    public void An_invalid_endpoint_value_names_its_key()
    {
        using var resolver = Resolver(("services:catalog:http:0", "http://"));

        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(new Uri("http://catalog/")));

        Assert.Contains("services:catalog:http:0", error.Message);
    }

    [Theory]
    [InlineData("http://localhost:5000/a")]
    [InlineData("http://127.0.0.1:5000/a")]
    [InlineData("http://[::1]:5000/a")]
    [InlineData("https://api.example.com/a")]
    [InlineData("http://catalog.internal/a")]
    public void Real_hosts_pass_through_untouched(string address)
    {
        using var resolver = Resolver(("services:localhost:http:0", "http://should-not-be-used:1"));
        var uri = new Uri(address);

        Assert.Same(uri, resolver.Resolve(uri));
    }

    [Fact]
    public void A_composite_scheme_on_a_real_host_keeps_its_preferred_scheme()
    {
        using var resolver = Resolver();

        Assert.Equal("https://localhost:7001/a", resolver.Resolve(new Uri("https+http://localhost:7001/a")).ToString());
    }

    [Fact]
    public void Endpoints_are_read_again_after_configuration_reloads()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("services:catalog:http:0", "http://localhost:5001")])
            .Build();
        using var resolver = new ServiceEndpointResolver(configuration);
        Assert.Equal("http://localhost:5001/", resolver.Resolve(new Uri("http://catalog/")).ToString());

        configuration["services:catalog:http:0"] = "http://localhost:6001";
        configuration.Reload();

        Assert.Equal("http://localhost:6001/", resolver.Resolve(new Uri("http://catalog/")).ToString());
    }
}
