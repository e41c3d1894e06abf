namespace Platform.Identity.Options;

/// <summary>
/// Section <c>Identity:SignUp</c>: how many sign-up attempts one client address may make (<c>PerAddress</c>, 10) within
/// <c>Window</c> (an hour), and how many addresses are remembered at most (<c>MaxTrackedAddresses</c>, 20,000).
/// </summary>
public sealed record SignUpSettings(int PerAddress, TimeSpan Window, int MaxTrackedAddresses)
{
    public static SignUpSettings Default { get; } = new(10, TimeSpan.FromHours(1), 20_000);

    public static SignUpSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Identity:SignUp");
        var settings = new SignUpSettings(
            section.GetValue("PerAddress", Default.PerAddress),
            section.GetValue("Window", Default.Window),
            section.GetValue("MaxTrackedAddresses", Default.MaxTrackedAddresses));
        if (settings.PerAddress < 1 || settings.Window <= TimeSpan.Zero || settings.MaxTrackedAddresses < 1)
        {
            throw new InvalidOperationException($"Identity:SignUp needs positive numbers and window, not {settings}.");
        }

        return settings;
    }
}
