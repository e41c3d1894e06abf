using System.Text.Json;

namespace Platform.Messaging.Outbox;

internal static class MessageJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
