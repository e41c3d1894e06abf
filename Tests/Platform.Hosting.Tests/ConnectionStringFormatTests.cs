using System.Text.RegularExpressions;

namespace Platform.Hosting.Tests;

public sealed partial class ConnectionStringFormatTests
{
    [Fact]
    public async Task Redis_connection_string_is_host_port_password_in_Aspire_format()
    {
        var builder = TestModel.CreateBuilder();
        var cache = builder.AddRedis("cache", port: 16379);

        var connectionString = await cache.Resource.GetConnectionStringAsync(TestContext.Current.CancellationToken);

        var match = RedisFormat().Match(connectionString!);
        Assert.True(match.Success, connectionString);
        Assert.Equal("127.0.0.1", match.Groups["host"].Value);
        Assert.Equal("16379", match.Groups["port"].Value);
        Assert.Equal(cache.Resource.PasswordParameter.Value, match.Groups["password"].Value);
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", cache.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task Postgres_database_connection_string_is_the_server_one_plus_database()
    {
        var builder = TestModel.CreateBuilder();
        var postgres = builder.AddPostgres("postgres", port: 15432);
        var db = postgres.AddDatabase("catalogdb");

        var connectionString = await db.Resource.GetConnectionStringAsync(TestContext.Current.CancellationToken);

        var parts = connectionString!.Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["Host", "Port", "Username", "Password", "Database"], parts.Keys);
        Assert.Equal("127.0.0.1", parts["Host"]);
        Assert.Equal("15432", parts["Port"]);
        Assert.Equal("postgres", parts["Username"]);
        Assert.Equal(postgres.Resource.PasswordParameter.Value, parts["Password"]);
        Assert.Equal("catalogdb", parts["Database"]);
        Assert.Equal("{postgres.connectionString};Database=catalogdb", db.Resource.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task RabbitMQ_connection_string_is_an_amqp_uri()
    {
        var builder = TestModel.CreateBuilder();
        var messaging = builder.AddRabbitMQ("messaging", port: 15672);

        var uri = new Uri((await messaging.Resource.GetConnectionStringAsync(TestContext.Current.CancellationToken))!);

        Assert.Equal("amqp", uri.Scheme);
        Assert.Equal("127.0.0.1", uri.Host);
        Assert.Equal(15672, uri.Port);
        Assert.Equal($"platform:{messaging.Resource.PasswordParameter.Value}", uri.UserInfo);
    }

    [Fact]
    public void Generated_passwords_are_long_random_and_distinct_per_server()
    {
        var builder = TestModel.CreateBuilder();
        var passwords = new[]
        {
            builder.AddRedis("cache").Resource.PasswordParameter,
            builder.AddPostgres("postgres").Resource.PasswordParameter,
            builder.AddRabbitMQ("messaging").Resource.PasswordParameter,
        };

        Assert.All(passwords, p =>
        {
            Assert.True(p.Secret);
            Assert.True(p.Value.Length >= 22);
            Assert.Matches("^[A-Za-z0-9]+$", p.Value);
            Assert.Equal(p.Value, p.Value); // stable once generated
        });
        Assert.Equal(3, passwords.Select(p => p.Value).Distinct().Count());
    }

    [GeneratedRegex("^(?<host>[^:,]+):(?<port>[0-9]+),password=(?<password>[^,]+)$")]
    private static partial Regex RedisFormat();
}
