using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Platform.Redis.Tests;

/// <summary>The server is killed (SIGKILL) and restarted on the same port.</summary>
public sealed class ReconnectTests
{
    private static async Task WaitUntil(Func<bool> condition, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met");
            }

            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task In_flight_commands_fail_with_a_clear_exception_and_the_client_reconnects_after_a_restart()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("connectTimeout=1000");
        var events = new List<string>();
        redis.ConnectionFailed += (_, e) => { lock (events) { events.Add("failed:" + e.Role); } };
        redis.ConnectionRestored += (_, e) => { lock (events) { events.Add("restored:" + e.Role); } };
        var key = RedisServerFixture.Key("reconnect");
        await redis.SetAsync(key, "before");

        long reconnects = 0;
        using var meter = new MeterListener();
        meter.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RedisDiagnostics.MeterName && instrument.Name == "redis.client.reconnects")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meter.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "server.port" && (int)tag.Value! == server.Port)
                {
                    Interlocked.Add(ref reconnects, value);
                }
            }
        });
        meter.Start();

        // a slow command keeps the server busy so the commands behind it are in flight when it dies
        var inFlight = new List<Task>
        {
            redis.WithTimeout(TimeSpan.FromSeconds(30)).ExecuteAsync("DEBUG", "SLEEP", "5"),
        };
        inFlight.AddRange(Enumerable.Range(0, 50).Select(i => (Task)redis.WithTimeout(TimeSpan.FromSeconds(30)).EchoAsync($"e{i}")));
        await Task.Delay(100);
        var watch = Stopwatch.StartNew();
        server.Kill();

        foreach (var task in inFlight)
        {
            var error = await Assert.ThrowsAsync<RedisConnectionException>(() => task);
            Assert.Contains($"the connection to {server.EndPoint} was lost", error.Message, StringComparison.Ordinal);
            Assert.Contains("may or may not have been executed", error.Message, StringComparison.Ordinal);
            Assert.Equal(server.EndPoint, error.EndPoint);
        }

        Assert.True(watch.ElapsedMilliseconds < 2000, $"in-flight commands took {watch.ElapsedMilliseconds} ms to fail");
        await WaitUntil(() => !redis.IsConnected);
        Assert.NotNull(redis.LastError);

        // a command issued while the server is down waits for the reconnection (backlog), up to its timeout
        var whileDown = redis.WithTimeout(TimeSpan.FromSeconds(20)).EchoAsync("queued while down");
        await Task.Delay(300);
        Assert.False(whileDown.IsCompleted);

        await server.RestartAsync();
        Assert.Equal("queued while down", (string?)await whileDown);
        await WaitUntil(() => redis.IsConnected);
        await redis.SetAsync(key, "after");
        Assert.Equal("after", (string?)await redis.GetAsync(key));
        await WaitUntil(() => Interlocked.Read(ref reconnects) >= 1);
        await WaitUntil(() => { lock (events) { return events.Contains("failed:interactive") && events.Contains("restored:interactive"); } });
    }

    [Fact]
    public async Task Commands_fail_when_the_server_stays_down_longer_than_their_timeout()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("asyncTimeout=300,connectTimeout=300");
        server.Kill();
        await WaitUntil(() => !redis.IsConnected);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("k"));
        Assert.InRange(watch.ElapsedMilliseconds, 200, 2000);
        Assert.Contains($"no connection to {server.EndPoint} became available within 300 ms", error.Message, StringComparison.Ordinal);
        Assert.Contains("last error", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_backlog_commands_fail_fast_while_disconnected()
    {
        await using var server = await RedisServer.StartAsync();
        await using var redis = await server.ConnectAsync("backlog=false,connectTimeout=300");
        server.Kill();
        await WaitUntil(() => !redis.IsConnected);
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("k"));
        Assert.True(watch.ElapsedMilliseconds < 1000, $"took {watch.ElapsedMilliseconds} ms"); // not the 5 s timeout
        Assert.Contains("is available", error.Message, StringComparison.Ordinal);
        await server.RestartAsync();
        await WaitUntil(() => redis.IsConnected);
        Assert.Equal("ok", (string?)await redis.EchoAsync("ok"));
    }

    [Fact]
    public async Task Abort_connect_false_returns_while_the_server_is_down_and_connects_when_it_starts()
    {
        await using var server = RedisServer.Create();
        var watch = Stopwatch.StartNew();
        await using var redis = await RedisConnection.ConnectAsync($"{server.ConnectionString},connectTimeout=500");
        Assert.True(watch.ElapsedMilliseconds < 3000);
        Assert.False(redis.IsConnected);
        Assert.IsType<RedisConnectionException>(redis.LastError);
        Assert.Contains("Could not connect to " + server.EndPoint, redis.LastError!.Message, StringComparison.Ordinal);

        await server.StartProcessAsync();
        await WaitUntil(() => redis.IsConnected);
        Assert.Equal("ok", (string?)await redis.EchoAsync("ok"));
    }

    [Fact]
    public async Task Abort_connect_true_throws_when_the_server_is_down()
    {
        int port = RedisServer.FreePort();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
            RedisConnection.ConnectAsync($"127.0.0.1:{port},connectTimeout=300,connectRetry=2"));
        Assert.Contains($"Could not connect to 127.0.0.1:{port} in 2 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal($"127.0.0.1:{port}", error.EndPoint);
    }

    [Fact]
    public async Task Wrong_password_is_reported_with_the_servers_message()
    {
        await using var server = await RedisServer.StartAsync();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
            RedisConnection.ConnectAsync($"{server.EndPoint},password=wrong,connectRetry=1"));
        Assert.Contains("AUTH", error.Message, StringComparison.Ordinal);
        Assert.Contains("WRONGPASS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disposing_fails_in_flight_and_queued_commands()
    {
        await using var server = await RedisServer.StartAsync();
        var redis = await server.ConnectAsync();
        var slow = redis.WithTimeout(TimeSpan.FromSeconds(30)).ExecuteAsync("DEBUG", "SLEEP", "2");
        await Task.Delay(50);
        await redis.DisposeAsync();
        await Assert.ThrowsAsync<RedisConnectionException>(() => slow);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => redis.GetAsync("k"));
        Assert.Equal(RedisConnectionState.Disposed, redis.State);
    }
}
