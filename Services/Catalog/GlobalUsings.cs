global using Npgsql;
global using NpgsqlTypes;
global using StackExchange.Redis;
global using ZiggyCreatures.Caching.Fusion;
global using Platform.Catalog.Infrastructure;
global using Platform.Catalog.Inventory;
global using Platform.Catalog.Model;
