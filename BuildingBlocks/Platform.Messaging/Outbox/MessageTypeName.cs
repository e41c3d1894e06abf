namespace Platform.Messaging.Outbox;

internal static class MessageTypeName
{
    // Assembly-qualified without version: survives a redeploy of the same contracts.
    public static string Of(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";

    public static Type Resolve(string name) =>
        Type.GetType(name, throwOnError: false) ?? throw new InvalidOperationException($"Outbox message type '{name}' is not loaded in this process.");
}
