namespace Platform.Hosting.LocalServers;

internal sealed record HelperProcess(string NameSuffix, string Command, IReadOnlyList<string> Arguments);
