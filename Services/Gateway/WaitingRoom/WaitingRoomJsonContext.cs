using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Gateway.WaitingRoom;

/// <summary>Source-generated JSON for the waiting room's answers: <c>status</c> is the gateway's hottest endpoint.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TicketStatus))]
[JsonSerializable(typeof(Ticket))]
[JsonSerializable(typeof(SaleFigures))]
[JsonSerializable(typeof(IReadOnlyList<SaleFigures>))]
[JsonSerializable(typeof(OpenSaleRequest))]
internal sealed partial class WaitingRoomJsonContext : JsonSerializerContext;
