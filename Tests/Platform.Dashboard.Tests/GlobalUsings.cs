global using Platform.Hosting;
global using Platform.Hosting.Dashboard;
global using Platform.Hosting.Dashboard.Telemetry;
global using Platform.Hosting.Orchestration;
global using Xunit;
