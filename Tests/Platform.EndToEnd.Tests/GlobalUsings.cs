global using Platform.Hosting;
global using Platform.Hosting.ApplicationModel;
global using Platform.Hosting.Orchestration;
global using Platform.Hosting.Testing;
global using Xunit;
