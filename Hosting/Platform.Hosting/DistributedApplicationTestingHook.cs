using System.Reflection;

namespace Platform.Hosting;

/// <summary>Lets the testing builder run an AppHost's Program up to Build() and take its builder, as
/// Aspire.Hosting.Testing does. Flows with the async context, so parallel tests do not see each other's hooks.</summary>
internal static class DistributedApplicationTestingHook
{
    private static readonly AsyncLocal<Action<DistributedApplicationBuilder>?> CurrentHook = new();
    private static readonly AsyncLocal<Assembly?> CurrentAssembly = new();

    public static Action<DistributedApplicationBuilder>? Current => CurrentHook.Value;

    public static Assembly? AppHostAssembly => CurrentAssembly.Value;

    public static void Install(Assembly appHostAssembly, Action<DistributedApplicationBuilder> hook)
    {
        CurrentAssembly.Value = appHostAssembly;
        CurrentHook.Value = hook;
    }
}
