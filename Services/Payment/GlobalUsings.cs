global using System.Net.Http.Json;
global using Platform.Access;
global using Platform.Payment.Options;
