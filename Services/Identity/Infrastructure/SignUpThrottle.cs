namespace Platform.Identity.Infrastructure;

/// <summary>
/// At most <see cref="SignUpSettings.PerAddress"/> sign-up attempts per client address (IPv6 by /64, as the sign-in
/// throttle counts) in a window of <see cref="SignUpSettings.Window"/>: enough for a family behind one router, too few to
/// mint accounts by the thousand or to test which user names exist. In this replica's memory, bounded like the sign-in
/// throttle's tables.
/// </summary>
internal sealed class SignUpThrottle(SignUpSettings settings, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly FailureWindows<string> _addresses = new(settings.MaxTrackedAddresses, settings.Window);

    /// <summary>Counts an attempt from <paramref name="client"/>, or refuses it with how long until it may try again.</summary>
    public bool TryBegin(System.Net.IPAddress? client, out TimeSpan retryAfter)
    {
        var address = SignInThrottle.AddressKey(client);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var (count, ends) = _addresses.Read(address, now);
            if (count >= settings.PerAddress)
            {
                retryAfter = ends - now;
                return false;
            }

            _addresses.Add(address, now);
            retryAfter = TimeSpan.Zero;
            return true;
        }
    }
}
