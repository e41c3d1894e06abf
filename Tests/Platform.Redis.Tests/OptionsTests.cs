namespace Platform.Redis.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void Parses_the_connection_string_Aspire_hands_out()
    {
        var options = RedisOptions.Parse("localhost:6379,password=s3cr=t,ssl=true,connectTimeout=2500,abortConnect=false");
        Assert.Equal("localhost", options.Host);
        Assert.Equal(6379, options.Port);
        Assert.Equal("s3cr=t", options.Password);
        Assert.True(options.Ssl);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.ConnectTimeout);
        Assert.False(options.AbortOnConnectFail);
        Assert.Equal("localhost:6379,password=*****,ssl=true,connectTimeout=2500,asyncTimeout=5000,abortConnect=false", options.ToString());
    }

    [Fact]
    public void Parses_every_supported_option()
    {
        var options = RedisOptions.Parse(
            " cache.internal:7000 , user=app, password=p, sslHost=redis.example.com, ssl=True, syncTimeout=1500, asyncTimeout=800, "
            + "abortConnect=true, connectRetry=5, defaultDatabase=2, name=orders, keepAlive=30, backlog=false, allowAdmin=true, resolveDns=false");
        Assert.Equal("cache.internal", options.Host);
        Assert.Equal(7000, options.Port);
        Assert.Equal("app", options.User);
        Assert.Equal("redis.example.com", options.SslHost);
        Assert.Equal(TimeSpan.FromMilliseconds(800), options.CommandTimeout); // asyncTimeout wins over syncTimeout
        Assert.True(options.AbortOnConnectFail);
        Assert.Equal(5, options.ConnectRetry);
        Assert.Equal(2, options.DefaultDatabase);
        Assert.Equal("orders", options.ClientName);
        Assert.Equal(TimeSpan.FromSeconds(30), options.KeepAlive);
        Assert.False(options.BacklogWhileDisconnected);
    }

    [Fact]
    public void Defaults()
    {
        var options = RedisOptions.Parse("redis");
        Assert.Equal("redis", options.Host);
        Assert.Equal(6379, options.Port);
        Assert.Null(options.Password);
        Assert.False(options.Ssl);
        Assert.True(options.AbortOnConnectFail);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConnectTimeout);
        Assert.Equal(6380, RedisOptions.Parse("redis,ssl=true").Port);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), RedisOptions.Parse("redis,syncTimeout=1200").CommandTimeout);
    }

    [Fact]
    public void Parses_uris_and_ipv6()
    {
        var uri = RedisOptions.Parse("rediss://app:p%40ss@cache.example.com:6390/4");
        Assert.Equal(("cache.example.com", 6390, "app", "p@ss", true, 4), (uri.Host, uri.Port, uri.User, uri.Password, uri.Ssl, uri.DefaultDatabase));
        var plain = RedisOptions.Parse("redis://:secret@localhost");
        Assert.Equal(("localhost", 6379, null, "secret", false), (plain.Host, plain.Port, plain.User, plain.Password, plain.Ssl));
        var v6 = RedisOptions.Parse("[::1]:6380,password=x");
        Assert.Equal(("::1", 6380), (v6.Host, v6.Port));
        Assert.Equal("[::1]:6380", v6.EndPoint);
    }

    [Theory]
    [InlineData("localhost:6379,unknownOption=1", "Unknown Redis connection string option 'unknownOption'")]
    [InlineData("a:1,b:2", "Only one endpoint is supported")]
    [InlineData("password=x", "names no endpoint")]
    [InlineData("localhost:99999", "Invalid port")]
    [InlineData("localhost,ssl=maybe", "expects true or false")]
    [InlineData("localhost,connectTimeout=-5", "non-negative integer")]
    public void Rejects_invalid_connection_strings(string connectionString, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => RedisOptions.Parse(connectionString));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}

public sealed class ValueTests
{
    [Fact]
    public void Values_convert_and_compare()
    {
        Assert.True(RedisValue.Null.IsNull);
        Assert.Equal((RedisValue)"42", (RedisValue)42);
        Assert.Equal(42L, (long)(RedisValue)"42");
        Assert.Equal(0.25, (double)(RedisValue)"0.25");
        Assert.Equal("1", ((RedisValue)true).ToString());
        Assert.Equal("+inf", ((RedisValue)double.PositiveInfinity).ToString());
        Assert.Equal(double.NegativeInfinity, (double)(RedisValue)"-inf");
        Assert.Null((string?)RedisValue.Null);
        Assert.Null((long?)RedisValue.Null);
        Assert.NotEqual(RedisValue.Null, RedisValue.EmptyString);
        Assert.Equal((RedisValue)new byte[] { 104, 105 }, (RedisValue)"hi");
        Assert.Throws<InvalidCastException>(() => (long)(RedisValue)"abc");
        Assert.Equal((RedisKey)"k", (RedisKey)"k"u8.ToArray());
    }
}
