global using System.Net;
global using System.Net.Http.Json;
global using Platform.Catalog.Infrastructure;
global using Platform.Catalog.Inventory;
global using Platform.Catalog.Model;
global using Platform.Testing;
global using Xunit;
