using System.Globalization;
using Microsoft.Extensions.Logging;
using Platform.Redis;

namespace Platform.Caching;

/// <summary>
/// L1 invalidation across instances over one pub/sub channel. Messages: <c>k{version}:{key}</c> (a key was written
/// with that version or removed, version 0; an L1 copy with the same version is the writer's own and stays) and
/// <c>m{key}\n{key}...</c> (keys removed by tag). Pub/sub is at-most-once, so after any reconnection the whole L1
/// is dropped: messages may have been missed while disconnected.
/// </summary>
public sealed partial class TwoLevelCache
{
    private const string EvictManyPrefix = "m";
    private readonly TaskCompletionSource _backplaneReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RedisSubscription? _subscription;

    private static string EvictMessage(long version, string key) => string.Create(CultureInfo.InvariantCulture, $"k{version}:{key}");

    private void StartBackplane()
    {
        _connection.ConnectionRestored += OnConnectionRestored;
        _ = SubscribeUntilDoneAsync();
    }

    private async Task SubscribeUntilDoneAsync()
    {
        while (!_disposing.IsCancellationRequested)
        {
            try
            {
                _subscription = await _connection.SubscribeAsync(_channel, OnBackplaneMessage, _disposing.Token).ConfigureAwait(false);
                _backplaneReady.TrySetResult();
                return;
            }
            catch (Exception ex) when (!_disposing.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Cache backplane subscription to {Channel} failed; retrying.", _channel);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _disposing.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception)
            {
                return;
            }
        }
    }

    private void OnBackplaneMessage(string channel, RedisValue message)
    {
        var text = message.ToString();
        if (text.Length < 2)
        {
            return;
        }

        if (text[0] == 'k')
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || !long.TryParse(text.AsSpan(1, colon - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out long version))
            {
                return;
            }

            var key = text[(colon + 1)..];
            if (PeekLocal(key) is { } local && local.Version == version)
            {
                return;
            }

            _local.Remove(key);
        }
        else if (text[0] == 'm')
        {
            var keys = text[1..];
            foreach (var range in keys.AsSpan().Split('\n'))
            {
                _local.Remove(keys[range]);
            }
        }
    }

    private void OnConnectionRestored(object? sender, RedisConnectionEventArgs e)
    {
        _logger.LogInformation("Redis {Role} connection restored; clearing the local cache level (invalidations may have been missed).", e.Role);
        _local.Clear();
    }

    private async Task StopBackplaneAsync()
    {
        _connection.ConnectionRestored -= OnConnectionRestored;
        if (_subscription is { } subscription)
        {
            try
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                _logger.LogDebug(ex, "Unsubscribing the cache backplane failed.");
            }
        }
    }
}
