global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Xunit;

// The local servers are Debian binaries: these tests run on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
