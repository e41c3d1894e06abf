global using Platform.Access;
global using Platform.Notification.Apis;
global using Platform.Notification.Extensions;
