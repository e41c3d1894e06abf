global using Npgsql;
global using NpgsqlTypes;
global using Platform.Access;
global using Platform.Catalog.Infrastructure;
global using Platform.Catalog.Inventory;
global using Platform.Catalog.Model;
global using StackExchange.Redis;
global using ZiggyCreatures.Caching.Fusion;
