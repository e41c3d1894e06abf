global using Platform.Hosting;
global using Platform.Hosting.ApplicationModel;
global using Xunit;
