global using System.Net.Http.Json;
global using Platform.Access;
