namespace Platform.Hosting.LocalServers;

internal sealed record RequiredBinary(string Path, string DebianPackage);
