using Microsoft.Extensions.Options;
using Platform.Gateway.Options;

namespace Platform.Gateway.Apis;

/// <summary>How long a buyer should wait before polling again: half their estimated wait (so polls close in on the
/// moment of admission: a handful per buyer, and an admission is noticed within about MinPoll) within
/// [MinPoll, MaxPoll], doubled while this replica answers more polls a second than its budget; never more than a third
/// of the sale's idle time, so a buyer who follows it keeps their place.</summary>
internal sealed class PollPacer(IOptions<WaitingRoomOptions> options)
{
    private static readonly string[] Headers = [.. Enumerable.Range(0, 61).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private long _second;
    private long _count;
    private bool _overBudget;

    /// <summary>The Retry-After value for <paramref name="seconds"/>, without formatting a number per request.</summary>
    public static string Header(int seconds) => (uint)seconds < Headers.Length ? Headers[seconds] : seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int PollAfter(double? estimatedWaitSeconds, TimeSpan idle)
    {
        var settings = options.Value;
        var now = Environment.TickCount64 / 1000;
        if (Interlocked.Exchange(ref _second, now) != now)
        {
            _overBudget = Interlocked.Exchange(ref _count, 0) > settings.PollBudgetPerSecond;
        }

        Interlocked.Increment(ref _count);
        var seconds = Math.Clamp((estimatedWaitSeconds ?? 0) / 2, settings.MinPoll.TotalSeconds, settings.MaxPoll.TotalSeconds);
        var paced = _overBudget ? Math.Min(seconds * 2, settings.MaxPoll.TotalSeconds) : seconds;
        return (int)Math.Max(1, Math.Floor(Math.Min(paced, idle.TotalSeconds / 3)));
    }
}
