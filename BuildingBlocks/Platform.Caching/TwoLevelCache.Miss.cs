using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Platform.Redis;

namespace Platform.Caching;

/// <summary>The miss path: single-flight per process, one computing instance per cold key, fail-safe.</summary>
public sealed partial class TwoLevelCache
{
    private long _redisSuspendedUntil;

    private async Task<T> GetOrCreateSlowAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, IReadOnlyCollection<string>? tags, CancellationToken cancellationToken)
    {
        var entry = await StartOrJoinFlight(key, state, factory, options, tags, refresh: false).WaitAsync(cancellationToken).ConfigureAwait(false);
        return (T)entry.Value!;
    }

    /// <summary>
    /// One flight per key: later callers await the same task. The flight runs on its own, not on the first caller's
    /// token, so a cancelled caller does not fail the others.
    /// </summary>
    private Task<CacheEntry> StartOrJoinFlight<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, IReadOnlyCollection<string>? tags, bool refresh)
    {
        if (_flights.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var completion = new TaskCompletionSource<CacheEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        var winner = _flights.GetOrAdd(key, completion.Task);
        if (winner != completion.Task)
        {
            return winner;
        }

        _ = RunFlightAsync(completion, key, state, factory, options, tags, refresh);
        return completion.Task;
    }

    private async Task RunFlightAsync<TState, T>(
        TaskCompletionSource<CacheEntry> completion, string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, IReadOnlyCollection<string>? tags, bool refresh)
    {
        var current = PeekLocal(key);
        try
        {
            completion.SetResult(await ResolveAsync(key, state, factory, options, tags, refresh).ConfigureAwait(false));
        }
        catch (Exception ex) when (refresh && current is not null)
        {
            // nobody awaits a background refresh: keep serving what we have
            _logger.LogWarning(ex, "Background refresh of cache key {Key} failed; the current value stays.", key);
            completion.SetResult(current);
        }
        catch (Exception ex)
        {
            completion.SetException(ex);
        }
        finally
        {
            _flights.TryRemove(new KeyValuePair<string, Task<CacheEntry>>(key, completion.Task));
        }
    }

    private async Task<CacheEntry> ResolveAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options, IReadOnlyCollection<string>? tags, bool refresh)
    {
        using var activity = CachingDiagnostics.Source.StartActivity(refresh ? "cache refresh" : "cache miss");
        activity?.SetTag("cache.key", key);
        var typeInfo = GetTypeInfo<T>();
        long now = Now;
        var stale = PeekLocal(key);
        if (!refresh)
        {
            if (stale is not null && stale.IsFresh(now))
            {
                return stale; // another flight filled L1 between the caller's lookup and this one
            }

            CachingDiagnostics.Misses.Add(1);
        }

        if (stale is not null && !stale.IsUsableStale(now))
        {
            stale = null;
        }

        string? lockToken = null;
        if (IsRedisUsable)
        {
            try
            {
                var remote = await ReadRemoteAsync(key, typeInfo).ConfigureAwait(false);
                if (remote is not null && remote.IsFresh(now) && (!refresh || remote.Version != stale?.Version))
                {
                    CachingDiagnostics.Hits.Add(1, CachingDiagnostics.LevelL2);
                    return SetLocal(key, remote, options);
                }

                if (remote is not null && remote.IsUsableStale(now) && (stale is null || remote.FreshUntil > stale.FreshUntil))
                {
                    stale = remote;
                }

                (lockToken, var found) = await AcquireComputeRightOrWaitAsync(key, typeInfo, stale, refresh, activity).ConfigureAwait(false);
                if (found is not null)
                {
                    return SetLocal(key, found, options);
                }
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                SuspendRedis();
                _logger.LogDebug(ex, "Redis unavailable for cache key {Key}; computing locally.", key);
                activity?.SetTag("cache.redis_failed", true);
            }
        }

        return await ComputeAsync(key, state, factory, options, tags, typeInfo, stale, lockToken, activity).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes the key's compute lock (SET NX PX), or else serves the stale value, or waits for the holder's value.
    /// Returns (token, null) to compute with the lock, (null, entry) to use an entry, (null, null) to compute without
    /// the lock because the wait timed out (the holder is slow or dead).
    /// </summary>
    private async Task<(string? Token, CacheEntry? Found)> AcquireComputeRightOrWaitAsync<T>(
        string key, JsonTypeInfo<T> typeInfo, CacheEntry? stale, bool refresh, Activity? activity)
    {
        long waitStart = Stopwatch.GetTimestamp();
        while (true)
        {
            // value and lock in one script: a value stored just before our lock attempt is seen, not recomputed
            string token = Guid.NewGuid().ToString("N");
            var reply = (await _redis.ScriptEvaluateAsync(
                CacheScripts.GetOrLock, [_entryPrefix + key, _lockPrefix + key], [token, (long)_options.ComputeLockTtl.TotalMilliseconds]).ConfigureAwait(false)).AsArray();
            bool locked = reply[0].AsInt64() == 1;
            var remote = reply[1].IsNull ? null : Deserialize(key, reply[1].AsValue(), typeInfo);
            if (remote is not null && remote.IsFresh(Now) && (!refresh || remote.Version != stale?.Version))
            {
                if (locked)
                {
                    await ReleaseComputeLockQuietlyAsync(key, token).ConfigureAwait(false);
                }

                CachingDiagnostics.Hits.Add(1, CachingDiagnostics.LevelL2);
                return (null, remote);
            }

            if (locked)
            {
                return (token, null);
            }

            if (stale is not null)
            {
                // someone else computes; serve what we have until their value arrives (their write evicts this copy)
                if (!refresh)
                {
                    CachingDiagnostics.StaleServed.Add(1);
                    activity?.SetTag("cache.stale_served", true);
                }

                long until = Math.Min(Now + (long)_options.ComputeWaitTimeout.TotalMilliseconds, stale.StaleUntil);
                return (null, stale with { FreshUntil = Math.Max(stale.FreshUntil, until) });
            }

            if (Stopwatch.GetElapsedTime(waitStart) >= _options.ComputeWaitTimeout)
            {
                activity?.SetTag("cache.wait_timed_out", true);
                return (null, null);
            }

            await Task.Delay(_options.ComputePollInterval, _disposing.Token).ConfigureAwait(false);
        }
    }

    private async Task<CacheEntry> ComputeAsync<TState, T>(
        string key, TState state, Func<TState, CancellationToken, ValueTask<T>> factory, CacheEntryOptions options,
        IReadOnlyCollection<string>? tags, JsonTypeInfo<T> typeInfo, CacheEntry? stale, string? lockToken, Activity? activity)
    {
        long start = Stopwatch.GetTimestamp();
        T value;
        try
        {
            value = await factory(state, _disposing.Token).ConfigureAwait(false);
            CachingDiagnostics.FactoryCalls.Add(1);
        }
        catch (Exception ex)
        {
            CachingDiagnostics.FactoryCalls.Add(1, new KeyValuePair<string, object?>("error.type", ex.GetType().FullName));
            CachingDiagnostics.FactoryDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (lockToken is not null)
            {
                await ReleaseComputeLockQuietlyAsync(key, lockToken).ConfigureAwait(false);
            }

            if (stale is not null && stale.IsUsableStale(Now))
            {
                _logger.LogWarning(ex, "Cache factory for {Key} failed; serving a stale value (fail-safe).", key);
                CachingDiagnostics.StaleServed.Add(1);
                activity?.SetTag("cache.stale_served", true);
                long retryAt = Math.Min(Now + (long)options.FailSafeRetryAfter.TotalMilliseconds, stale.StaleUntil);
                return SetLocal(key, stale with { FreshUntil = retryAt }, options);
            }

            throw;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        CachingDiagnostics.FactoryDuration.Record(elapsed.TotalSeconds);
        var entry = NewEntry(value, options, (int)Math.Min(int.MaxValue, Math.Ceiling(elapsed.TotalMilliseconds)));
        var local = SetLocal(key, entry, options);
        if (IsRedisUsable || lockToken is not null)
        {
            try
            {
                await WriteRemoteAsync(key, entry, typeInfo, tags, lockToken, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsRedisFailure(ex))
            {
                SuspendRedis();
                _logger.LogDebug(ex, "Could not write cache key {Key} to Redis; it is cached locally only.", key);
            }
        }

        return local;
    }

    private async Task<CacheEntry?> ReadRemoteAsync<T>(string key, JsonTypeInfo<T> typeInfo)
    {
        var value = await _redis.GetAsync(_entryPrefix + key).ConfigureAwait(false);
        return value.IsNull ? null : Deserialize(key, value, typeInfo);
    }

    private CacheEntry? Deserialize<T>(string key, RedisValue value, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return CacheEntrySerializer.Deserialize(value.AsMemory().Span, typeInfo);
        }
        catch (JsonException ex)
        {
            _logger.LogWarning(ex, "Cache key {Key} holds a value that does not deserialise as {Type}; treated as a miss.", key, typeof(T));
            return null;
        }
    }

    private Task WriteRemoteAsync<T>(string key, CacheEntry entry, JsonTypeInfo<T> typeInfo, IReadOnlyCollection<string>? tags, string? lockToken, CancellationToken cancellationToken)
    {
        var payload = CacheEntrySerializer.Serialize(entry, typeInfo);
        long ttl = Math.Max(1, entry.StaleUntil - Now);
        var args = new RedisValue[7 + (tags?.Count ?? 0)];
        args[0] = payload;
        args[1] = ttl;
        args[2] = lockToken ?? string.Empty;
        args[3] = _channel;
        args[4] = EvictMessage(entry.Version, key);
        args[5] = _tagPrefix;
        args[6] = key;
        int i = 7;
        foreach (var tag in tags ?? [])
        {
            args[i++] = tag;
        }

        return _redis.ScriptEvaluateAsync(CacheScripts.Store, [_entryPrefix + key, _lockPrefix + key], args, cancellationToken);
    }

    private async Task ReleaseComputeLockQuietlyAsync(string key, string token)
    {
        try
        {
            await _redis.ScriptEvaluateAsync(CacheScripts.ReleaseLock, [_lockPrefix + key], [token]).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            _logger.LogDebug(ex, "Could not release the compute lock of {Key}; it expires by itself.", key);
        }
    }

    /// <summary>
    /// After a failure Redis is skipped (readers go straight to L1 and the factory) until the connection is back or
    /// a second has passed, so an outage costs at most one timeout per second instead of one per miss.
    /// </summary>
    private bool IsRedisUsable => _connection.IsConnected || Environment.TickCount64 >= Volatile.Read(ref _redisSuspendedUntil);

    private void SuspendRedis() => Volatile.Write(ref _redisSuspendedUntil, Environment.TickCount64 + 1000);

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;
}
