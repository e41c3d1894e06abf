using System.Collections.Concurrent;

namespace Platform.Redis.Tests;

/// <summary>Many callers on one multiplexed connection each get their own replies, in order.</summary>
public sealed class ConcurrencyTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisConnection _redis = fixture.Connection;

    [Fact]
    public async Task Thousands_of_concurrent_callers_get_their_own_replies()
    {
        var prefix = RedisServerFixture.Key("conc");
        const int callers = 5000;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, callers).Select(async i =>
        {
            await start.Task;
            await Task.Yield();
            var key = $"{prefix}:{i}";
            var value = $"value-{i}-{new string((char)('a' + (i % 26)), i % 300)}";
            Assert.True(await _redis.SetAsync(key, value));
            for (int round = 0; round < 5; round++)
            {
                Assert.Equal(value, (string?)await _redis.GetAsync(key));
                Assert.Equal(round + 1, await _redis.HIncrByAsync(key + ":h", "n", 1));
            }

            return i;
        }).ToList();
        start.SetResult();
        var done = await Task.WhenAll(tasks);
        Assert.Equal(callers, done.Distinct().Count());
    }

    [Fact]
    public async Task Commands_issued_without_awaiting_complete_in_the_order_they_were_issued()
    {
        var key = RedisServerFixture.Key("order");
        var tasks = Enumerable.Range(0, 10_000).Select(_ => _redis.IncrAsync(key)).ToList();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), results);
    }

    [Fact]
    public async Task Concurrent_callers_on_many_threads_interleave_without_mixing_replies()
    {
        var prefix = RedisServerFixture.Key("threads");
        var errors = new ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 2000; i++)
            {
                var key = $"{prefix}:{t}:{i % 50}";
                var expected = $"{t}:{i}";
                var set = _redis.SetAsync(key, expected);
                var get = _redis.GetAsync(key);
                var echo = _redis.EchoAsync(expected);
                await set;
                if ((string?)await get != expected || (string?)await echo != expected)
                {
                    errors.Add(expected);
                }
            }
        })).ToList();
        await Task.WhenAll(threads);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Cancellation_before_the_reply_keeps_later_replies_matched()
    {
        var key = RedisServerFixture.Key("cancel");
        await _redis.SetAsync(key, "after");

        // cancelled before it is even submitted
        using (var cancelled = new CancellationTokenSource())
        {
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _redis.GetAsync(key, cancelled.Token));
        }

        // cancelled while the server is busy with it: its reply arrives later and must be dropped
        using var cts = new CancellationTokenSource();
        var slow = _redis.ExecuteAsync("DEBUG", ["SLEEP", "0.3"], cts.Token);
        var queuedBehind = Enumerable.Range(0, 20).Select(i => _redis.EchoAsync($"e{i}", cts.Token)).ToList();
        var next = _redis.GetAsync(key);
        await Task.Delay(50);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow);
        foreach (var t in queuedBehind)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t);
        }

        Assert.Equal("after", (string?)await next);
        Assert.Equal("x", (string?)await _redis.EchoAsync("x"));
    }

    [Fact]
    public async Task Many_cancelled_commands_mixed_with_live_ones_never_mismatch_replies()
    {
        var key = RedisServerFixture.Key("mix");
        await _redis.SetAsync(key, "v");
        var live = new List<(Task<RedisValue> Task, string Expected)>();
        var cancelled = new List<Task>();
        for (int i = 0; i < 3000; i++)
        {
            using var cts = new CancellationTokenSource();
            if (i % 3 == 0)
            {
                var t = _redis.EchoAsync($"c{i}", cts.Token);
                await cts.CancelAsync();
                cancelled.Add(t);
            }
            else
            {
                live.Add((_redis.EchoAsync($"l{i}"), $"l{i}"));
            }
        }

        foreach (var (task, expected) in live)
        {
            Assert.Equal(expected, (string?)await task);
        }

        await Task.WhenAll(cancelled).ContinueWith(_ => { }, TestContext.Current.CancellationToken);
        Assert.All(cancelled, t => Assert.True(t.IsCanceled || t.IsCompletedSuccessfully));
    }
}
