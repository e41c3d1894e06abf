global using Platform.Access;
global using Platform.Order.Apis;
global using Platform.Order.Extensions;
global using Platform.Order.Options;
