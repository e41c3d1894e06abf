global using Platform.Access;
global using Platform.Identity.Apis;
global using Platform.Identity.Extensions;
global using Platform.Identity.Options;
global using static OpenIddict.Abstractions.OpenIddictConstants;
