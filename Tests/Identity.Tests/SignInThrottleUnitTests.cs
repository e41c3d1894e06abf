using System.Net;
using Microsoft.Extensions.Time.Testing;
using Platform.Identity.Infrastructure;
using Platform.Identity.Options;
using Xunit;

namespace Platform.Identity.Tests;

/// <summary>The throttle's rules and its bound, in memory, with time in the test's hands.</summary>
public sealed class SignInThrottleUnitTests
{
    private static readonly IPAddress A = IPAddress.Parse("203.0.113.10");
    private static readonly IPAddress B = IPAddress.Parse("198.51.100.20");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Five_failures_from_a_pair_refuse_that_pair_until_the_window_ends_and_never_the_owner_elsewhere()
    {
        var throttle = new SignInThrottle(SignInThrottleSettings.Default, _time);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(throttle.TryBegin("ALICE", A, out _));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.False(throttle.TryBegin("ALICE", A, out var retryAfter));
        // the window opened at the first failure, 5 minutes ago
        Assert.Equal(TimeSpan.FromMinutes(10), retryAfter);
        Assert.True(throttle.TryBegin("ALICE", B, out _));
        Assert.True(throttle.TryBegin("BOB", A, out _));

        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(throttle.TryBegin("ALICE", A, out _));
    }

    [Fact]
    public void A_refused_attempt_is_not_counted_so_retrying_does_not_stretch_the_wait()
    {
        var throttle = new SignInThrottle(SignInThrottleSettings.Default, _time);
        for (var i = 0; i < 5; i++)
        {
            throttle.TryBegin("ALICE", A, out _);
        }

        for (var i = 0; i < 50; i++)
        {
            Assert.False(throttle.TryBegin("ALICE", A, out _));
        }

        _time.Advance(SignInThrottleSettings.Default.Window);
        Assert.True(throttle.TryBegin("ALICE", A, out _));
    }

    [Fact]
    public void A_success_clears_its_pair()
    {
        var throttle = new SignInThrottle(SignInThrottleSettings.Default, _time);
        for (var i = 0; i < 4; i++)
        {
            throttle.TryBegin("ALICE", A, out _);
        }

        Assert.True(throttle.TryBegin("ALICE", A, out _));
        throttle.Succeeded("ALICE", A);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(throttle.TryBegin("ALICE", A, out _), $"attempt {i + 1} after a success");
        }

        Assert.False(throttle.TryBegin("ALICE", A, out _));
    }

    [Fact]
    public void Thirty_failures_from_one_address_over_many_names_refuse_that_address_only()
    {
        var throttle = new SignInThrottle(SignInThrottleSettings.Default, _time);
        for (var i = 0; i < 30; i++)
        {
            Assert.True(throttle.TryBegin($"USER{i}", A, out _));
        }

        Assert.False(throttle.TryBegin("ALICE", A, out var retryAfter));
        Assert.Equal(SignInThrottleSettings.Default.Window, retryAfter);
        Assert.True(throttle.TryBegin("ALICE", B, out _));

        _time.Advance(SignInThrottleSettings.Default.Window);
        Assert.True(throttle.TryBegin("ALICE", A, out _));
    }

    [Fact]
    public void Successes_do_not_use_up_the_address()
    {
        var throttle = new SignInThrottle(SignInThrottleSettings.Default, _time);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(throttle.TryBegin("ALICE", A, out _), $"sign-in {i + 1}");
            throttle.Succeeded("ALICE", A);
        }
    }

    [Fact]
    public void The_tables_never_hold_more_than_their_bound_and_keep_the_newest_windows()
    {
        var settings = SignInThrottleSettings.Default with { FailuresPerUserAndAddress = 2, MaxTrackedPairs = 100, MaxTrackedAddresses = 50 };
        var throttle = new SignInThrottle(settings, _time);
        for (var i = 0; i < 10_000; i++)
        {
            throttle.TryBegin($"USER{i}", new IPAddress(0x0A000000 + i), out _);
            Assert.True(throttle.TrackedPairs <= 100 && throttle.TrackedAddresses <= 50, $"{throttle.TrackedPairs} pairs, {throttle.TrackedAddresses} addresses after {i + 1} keys");
        }

        Assert.Equal(100, throttle.TrackedPairs);
        Assert.Equal(50, throttle.TrackedAddresses);
        // the last key's window is still there: its second failure reaches the limit
        var last = new IPAddress(0x0A000000 + 9_999);
        Assert.True(throttle.TryBegin("USER9999", last, out _));
        Assert.False(throttle.TryBegin("USER9999", last, out _));
    }

    [Fact]
    public void Ended_windows_make_room_before_live_ones_are_forgotten()
    {
        var settings = SignInThrottleSettings.Default with { FailuresPerUserAndAddress = 1, MaxTrackedPairs = 10 };
        var throttle = new SignInThrottle(settings, _time);
        for (var i = 0; i < 10; i++)
        {
            throttle.TryBegin($"OLD{i}", A, out _);
        }

        _time.Advance(settings.Window);
        throttle.TryBegin("NEW", B, out _);

        Assert.Equal(1, throttle.TrackedPairs);
        Assert.False(throttle.TryBegin("NEW", B, out _));
    }

    [Theory]
    [InlineData("203.0.113.10", "::ffff:203.0.113.10")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff")]
    public void Addresses_one_caller_holds_together_count_as_one(string one, string other) =>
        Assert.Equal(SignInThrottle.AddressKey(IPAddress.Parse(one)), SignInThrottle.AddressKey(IPAddress.Parse(other)));

    [Fact]
    public void Separate_ipv6_networks_count_apart() =>
        Assert.NotEqual(SignInThrottle.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), SignInThrottle.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
}
