using System.Net;
using StackExchange.Redis;

namespace Platform.Testing;

/// <summary>The first endpoint's port and the password of a Redis connection string, read by StackExchange.Redis's own
/// parser, for tests that talk to one server directly.</summary>
public readonly record struct RedisAddress(int Port, string Password)
{
    public static RedisAddress Parse(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        var port = options.EndPoints[0] switch
        {
            DnsEndPoint dns => dns.Port,
            IPEndPoint ip => ip.Port,
            var other => throw new FormatException($"Unexpected Redis endpoint {other}."),
        };
        return new RedisAddress(port, options.Password ?? throw new FormatException("The Redis connection string has no password."));
    }
}
