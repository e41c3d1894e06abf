namespace Platform.Hosting.Tests;

/// <summary>Builders for the unit tests: a model with fixed ports, never started.</summary>
internal static class TestModel
{
    public static IDistributedApplicationBuilder CreateBuilder(params string[] args) =>
        DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, AppHostDirectory = AppContext.BaseDirectory, ApplicationName = "TestHost" });

    public sealed record FakeProject(string ProjectPath = "/src/Fake/Fake.csproj", string TargetPath = "/src/Fake/bin/Fake.dll") : IProjectMetadata;
}
