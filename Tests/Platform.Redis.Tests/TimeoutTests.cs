using System.Diagnostics;

namespace Platform.Redis.Tests;

/// <summary>A server that stops answering (SIGSTOP) makes commands time out, not hang.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task Commands_to_a_frozen_server_fail_with_RedisTimeoutException_and_the_connection_recovers()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("asyncTimeout=400");
        var key = RedisServerFixture.Key("timeout");
        await redis.SetAsync(key, "v");

        server.Pause();
        var watch = Stopwatch.StartNew();
        var frozen = Enumerable.Range(0, 10).Select(_ => redis.GetAsync(key)).ToList();
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(() => frozen[0]);
        Assert.InRange(watch.ElapsedMilliseconds, 300, 3000);
        Assert.Contains("Timeout after 400 ms waiting for the reply to GET from 127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Equal(server.EndPoint, error.EndPoint);
        foreach (var t in frozen)
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(() => t);
        }

        // a per-call-site timeout overrides the connection's
        var shortOne = redis.WithTimeout(TimeSpan.FromMilliseconds(100)).GetAsync(key);
        watch.Restart();
        await Assert.ThrowsAsync<RedisTimeoutException>(() => shortOne);
        Assert.InRange(watch.ElapsedMilliseconds, 50, 1000);

        server.Resume();

        // the late replies of the timed-out commands are consumed and dropped
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal($"r{i}", (string?)await redis.WithTimeout(TimeSpan.FromSeconds(5)).EchoAsync($"r{i}"));
        }
    }

    [Fact]
    public async Task A_connection_that_stays_silent_is_declared_dead_and_re_established()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("asyncTimeout=300,connectTimeout=500");
        var failed = new TaskCompletionSource<RedisConnectionEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        redis.ConnectionFailed += (_, e) => failed.TrySetResult(e);

        server.Pause();
        await Assert.ThrowsAsync<RedisTimeoutException>(() => redis.PingAsync());
        var lost = await failed.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Contains("presumed dead", lost.Error!.Message, StringComparison.Ordinal);
        server.Resume();

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!redis.IsConnected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.True(redis.IsConnected);
        Assert.Equal("ok", (string?)await redis.EchoAsync("ok"));
    }
}
