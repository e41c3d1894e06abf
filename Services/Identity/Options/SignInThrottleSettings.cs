namespace Platform.Identity.Options;

/// <summary>
/// Section <c>Identity:SignInThrottle</c>: how many password attempts that did not succeed one client address may make
/// for one user name (<c>FailuresPerUserAndAddress</c>, 5) and for all names together (<c>FailuresPerAddress</c>, 30)
/// within <c>Window</c> (15 minutes) before its further attempts are refused until that window ends, and how many
/// windows each of the two tables keeps at most (<c>MaxTrackedPairs</c>, <c>MaxTrackedAddresses</c>), which bounds
/// the memory a flood of names or addresses can take (docs/security.md, "Sign-in throttling").
/// </summary>
public sealed record SignInThrottleSettings(
    int FailuresPerUserAndAddress,
    int FailuresPerAddress,
    TimeSpan Window,
    int MaxTrackedPairs,
    int MaxTrackedAddresses)
{
    public static SignInThrottleSettings Default { get; } = new(5, 30, TimeSpan.FromMinutes(15), 50_000, 20_000);

    public static SignInThrottleSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Identity:SignInThrottle");
        var settings = new SignInThrottleSettings(
            section.GetValue("FailuresPerUserAndAddress", Default.FailuresPerUserAndAddress),
            section.GetValue("FailuresPerAddress", Default.FailuresPerAddress),
            section.GetValue("Window", Default.Window),
            section.GetValue("MaxTrackedPairs", Default.MaxTrackedPairs),
            section.GetValue("MaxTrackedAddresses", Default.MaxTrackedAddresses));
        // a zero would refuse every sign-in, or track nothing and so throttle nothing: a start that fails says which
        if (settings.FailuresPerUserAndAddress < 1 || settings.FailuresPerAddress < 1 || settings.Window <= TimeSpan.Zero
            || settings.MaxTrackedPairs < 1 || settings.MaxTrackedAddresses < 1)
        {
            throw new InvalidOperationException($"Identity:SignInThrottle needs positive numbers and window, not {settings}.");
        }

        return settings;
    }
}
