namespace Platform.ServiceDefaults.Resilience;

internal static class RetryAfter
{
    /// <summary>The delay a response's Retry-After asks for (seconds or an HTTP date), or null when it has none.</summary>
    public static TimeSpan? GetDelay(HttpResponseMessage? response, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
