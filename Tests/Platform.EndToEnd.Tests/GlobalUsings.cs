global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Platform.Testing;
global using Xunit;
