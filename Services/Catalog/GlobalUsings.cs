global using Npgsql;
global using NpgsqlTypes;
global using Platform.Caching;
global using Platform.Catalog.Infrastructure;
global using Platform.Catalog.Inventory;
global using Platform.Catalog.Model;
