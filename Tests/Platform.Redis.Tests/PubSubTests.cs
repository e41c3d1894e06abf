using System.Threading.Channels;

namespace Platform.Redis.Tests;

public sealed class PubSubTests
{
    private static async Task<T> Next<T>(ChannelReader<T> reader) =>
        await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task Subscribers_receive_published_messages_in_order()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var received = Channel.CreateUnbounded<(string, string)>();
        await using var sub = await redis.SubscribeAsync("orders", (channel, message) => received.Writer.TryWrite((channel, message.ToString())));
        var patterns = Channel.CreateUnbounded<(string, string)>();
        await using var psub = await redis.PSubscribeAsync("orders.*", (channel, message) => patterns.Writer.TryWrite((channel, message.ToString())));

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(1, await redis.PublishAsync("orders", $"m{i}"));
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(("orders", $"m{i}"), await Next(received.Reader));
        }

        Assert.Equal(1, await redis.PublishAsync("orders.created", "o1"));
        Assert.Equal(("orders.created", "o1"), await Next(patterns.Reader));

        // binary payloads
        var binary = new byte[] { 0, 1, 13, 10, 255 };
        await redis.PublishAsync("orders", binary);
        var (_, text) = await Next(received.Reader);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(binary), text);
    }

    [Fact]
    public async Task Unsubscribing_stops_delivery_and_other_handlers_keep_theirs()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var first = Channel.CreateUnbounded<string>();
        var second = Channel.CreateUnbounded<string>();
        var sub1 = await redis.SubscribeAsync("news", (_, m) => first.Writer.TryWrite(m.ToString()));
        await using var sub2 = await redis.SubscribeAsync("news", async (_, m) => { await Task.Yield(); second.Writer.TryWrite(m.ToString()); });

        Assert.Equal(1, await redis.PublishAsync("news", "a")); // one connection subscribed, two handlers
        Assert.Equal("a", await Next(first.Reader));
        Assert.Equal("a", await Next(second.Reader));

        await sub1.DisposeAsync();
        Assert.Equal(1, await redis.PublishAsync("news", "b"));
        Assert.Equal("b", await Next(second.Reader));
        Assert.False(first.Reader.TryRead(out _));

        await sub2.DisposeAsync();
        Assert.Equal(0, await redis.PublishAsync("news", "c"));
    }

    [Fact]
    public async Task A_throwing_handler_does_not_stop_delivery()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync();
        var received = Channel.CreateUnbounded<string>();
        await using var sub = await redis.SubscribeAsync("boom", (_, m) =>
        {
            received.Writer.TryWrite(m.ToString());
            throw new InvalidOperationException("handler bug");
        });
        await redis.PublishAsync("boom", "1");
        await redis.PublishAsync("boom", "2");
        Assert.Equal("1", await Next(received.Reader));
        Assert.Equal("2", await Next(received.Reader));
    }

    [Fact]
    public async Task Subscriptions_are_restored_after_the_server_restarts()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("connectTimeout=1000");
        var received = Channel.CreateUnbounded<string>();
        await using var sub = await redis.SubscribeAsync("events", (_, m) => received.Writer.TryWrite(m.ToString()));
        await using var psub = await redis.PSubscribeAsync("ev*", (c, m) => received.Writer.TryWrite("p:" + c + ":" + m));
        await redis.PublishAsync("events", "before");
        Assert.Equal("before", await Next(received.Reader));
        Assert.Equal("p:events:before", await Next(received.Reader));

        server.Kill();
        await server.RestartAsync();

        // publish until the resubscribed connection receives (both connections reconnect independently)
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long receivers = 0;
        while (receivers < 2 && DateTime.UtcNow < deadline) // the channel and the pattern each count
        {
            try
            {
                receivers = await redis.PublishAsync("events", "probe");
            }
            catch (RedisConnectionException)
            {
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(2, receivers);
        while (received.Reader.TryRead(out _))
        {
        }

        await Task.Delay(100, TestContext.Current.CancellationToken);
        while (received.Reader.TryRead(out _))
        {
        }

        Assert.Equal(2, await redis.PublishAsync("events", "after"));
        Assert.Equal("after", await Next(received.Reader));
        Assert.Equal("p:events:after", await Next(received.Reader));
    }
}
