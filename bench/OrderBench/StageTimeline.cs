using System.Globalization;
using System.Net.Http.Json;
using Npgsql;

namespace OrderBench;

/// <summary>
/// Where an order's time goes, read after the run from what the services record anyway: each outbox row's
/// <c>sent_at</c> (the dispatcher's transaction start: when it picked the row up), each inbox row's <c>processed_at</c>
/// (the consumer's transaction start), the order's status history (<c>clock_timestamp()</c>), the provider's charge
/// time, and the notification's own timestamp. All clocks are this machine's, so consecutive points telescope:
/// the stages add up to POST → OrderConfirmed heard.
/// </summary>
public static class StageTimeline
{
    private sealed record Stage(string Label, string Kind, Func<Trace, DateTime?> End);

    private sealed record Trace(OrderSample Sample, Dictionary<string, DateTime> Points)
    {
        public DateTime? this[string point] => Points.TryGetValue(point, out var at) ? at : null;
    }

    // consecutive points of an order's life, each stage named by what happens between the previous point and its own
    private static readonly Stage[] Stages =
    [
        new("order API: price lookup at the catalog, insert", "service work", t => t["history:Pending"]),
        new("commit, order dispatcher picks OrderSubmitted up", "commit + dispatcher pickup", t => t["sent:orderdb:OrderSubmitted"]),
        new("publish + broker → catalog consumer", "publish + broker", t => t["inbox:catalogdb:OrderSubmitted"]),
        new("catalog: reserve, commit, its dispatcher picks StockReserved up", "service work + pickup", t => t["sent:catalogdb:StockReserved"]),
        new("publish + broker → order consumer", "publish + broker", t => t["inbox:orderdb:StockReserved"]),
        new("order: apply StockReserved", "service work", t => t["history:StockReserved"]),
        new("commit, order dispatcher picks PaymentRequested up", "commit + dispatcher pickup", t => t["sent:orderdb:PaymentRequested"]),
        new("publish + broker → payment consumer", "publish + broker", t => t["inbox:paymentdb:PaymentRequested"]),
        new("payment: lock, claim, provider charge", "payment provider call", t => t["charged"]),
        new("payment: record, commit, its dispatcher picks PaymentSucceeded up", "service work + pickup", t => t["sent:paymentdb:PaymentSucceeded"]),
        new("publish + broker → order consumer", "publish + broker", t => t["inbox:orderdb:PaymentSucceeded"]),
        new("order: apply PaymentSucceeded (Paid, Confirmed)", "service work", t => t["history:Confirmed"]),
        new("commit, order dispatcher picks OrderConfirmed up", "commit + dispatcher pickup", t => t["sent:orderdb:OrderConfirmed"]),
        new("publish + broker → notification consumer", "publish + broker", t => t["inbox:notificationdb:OrderConfirmed"]),
        new("notification: store", "service work", t => t.Sample.Confirmed.CreatedAt),
        new("Redis pub/sub + SSE → buyer", "Redis pub/sub + SSE", t => t.Sample.Confirmed.At),
    ];

    private static readonly string[] Databases = ["orderdb", "catalogdb", "paymentdb", "notificationdb"];

    /// <param name="since">the first order's POST: rows before it belong to set-up</param>
    public static async Task PrintAsync(IReadOnlyList<OrderSample> samples, DateTime since, DateTime windowStart, DateTime windowEnd,
        IReadOnlyDictionary<string, string> connections, HttpClient provider)
    {
        var traces = samples.ToDictionary(s => s.OrderId, s => new Trace(s, []));
        var messageOrder = new Dictionary<Guid, (Guid OrderId, string Type)>();
        var batches = new Dictionary<string, Dictionary<DateTime, int>>();
        foreach (var database in Databases)
        {
            await using var dataSource = NpgsqlDataSource.Create(connections[database]);
            batches[database] = await ReadOutboxAsync(dataSource, database, since, traces, messageOrder, windowStart, windowEnd);
        }

        foreach (var database in Databases)
        {
            await using var dataSource = NpgsqlDataSource.Create(connections[database]);
            await ReadInboxAsync(dataSource, database, since, traces, messageOrder);
            if (database == "orderdb")
            {
                await ReadHistoryAsync(dataSource, since, traces);
            }
        }

        var charges = await provider.GetFromJsonAsync<ChargeList>("/admin/charges");
        foreach (var charge in charges?.Charges ?? [])
        {
            if (charge.IdempotencyKey.StartsWith("order-", StringComparison.Ordinal) && Guid.TryParse(charge.IdempotencyKey["order-".Length..], out var orderId)
                && traces.TryGetValue(orderId, out var trace))
            {
                trace.Points["charged"] = charge.CreatedAt.UtcDateTime;
            }
        }

        Print([.. traces.Values], batches);
    }

    private static void Print(IReadOnlyList<Trace> all, Dictionary<string, Dictionary<DateTime, int>> batches)
    {
        var complete = all.Where(t => Stages.All(s => s.End(t) is not null)).ToList();
        var total = Stats.Of(complete.Select(t => (t.Sample.Confirmed.At - t.Sample.Posted).TotalMilliseconds));
        Console.WriteLine($"where the time goes, POST → OrderConfirmed heard ({complete.Count} of {all.Count} orders traced; ms; share of the mean):");
        var byKind = new Dictionary<string, double>();
        foreach (var (stage, index) in Stages.Select((s, i) => (s, i)))
        {
            var stats = Stats.Of(complete.Select(t => (stage.End(t)!.Value - (index == 0 ? t.Sample.Posted : Stages[index - 1].End(t)!.Value)).TotalMilliseconds));
            byKind[stage.Kind] = byKind.GetValueOrDefault(stage.Kind) + stats.Mean;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {stage.Label,-66} mean {Stats.Ms(stats.Mean),6}  p50 {Stats.Ms(stats.P50),6}  p99 {Stats.Ms(stats.P99),6}  {stats.Mean / total.Mean,4:P0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"total",-66} mean {Stats.Ms(total.Mean),6}  p50 {Stats.Ms(total.P50),6}  p99 {Stats.Ms(total.P99),6}"));
        Console.WriteLine("  by kind (mean ms, share):");
        foreach (var (kind, mean) in byKind.OrderByDescending(k => k.Value))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {kind,-30} {Stats.Ms(mean),6}  {mean / total.Mean,4:P0}"));
        }

        Console.WriteLine("outbox dispatchers in the window (a batch is one transaction whose rows are published together, then marked sent once confirmed;");
        Console.WriteLine("  ms/row: time from each batch's start to the next one's, over the rows of those batches: what an event costs a dispatcher that never");
        Console.WriteLine("  waits for work, an upper bound for one that does):");
        foreach (var (database, starts) in batches.Where(b => b.Value.Count > 0))
        {
            var sizes = starts.Values.ToList();
            var ordered = starts.OrderBy(b => b.Key).ToList();
            var followed = ordered.Zip(ordered.Skip(1)).Where(pair => pair.Second.Key - pair.First.Key < TimeSpan.FromSeconds(1)).ToList();
            var perRow = followed.Sum(pair => (pair.Second.Key - pair.First.Key).TotalMilliseconds) / followed.Sum(pair => pair.First.Value);
            var replicas = database == "catalogdb" ? " (two replicas' dispatchers interleaved)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {database,-15} {sizes.Count,6} batches {sizes.Sum(),6} rows   mean {sizes.Average(),5:0.0} max {sizes.Max(),4} rows/batch   {perRow,6:0.0} ms/row{replicas}"));
        }
    }

    /// <returns>The batches the dispatchers sent in the window: start (their shared sent_at) and row count.</returns>
    private static async Task<Dictionary<DateTime, int>> ReadOutboxAsync(NpgsqlDataSource dataSource, string database, DateTime since, Dictionary<Guid, Trace> traces,
        Dictionary<Guid, (Guid, string)> messageOrder, DateTime windowStart, DateTime windowEnd)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, message_type, payload->>'orderId', sent_at FROM outbox_messages WHERE created_at >= $1 AND sent_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync();
        var perBatch = new Dictionary<DateTime, int>();
        while (await reader.ReadAsync())
        {
            var type = ShortTypeName(reader.GetString(1));
            var sentAt = reader.GetDateTime(3);
            if (sentAt >= windowStart && sentAt < windowEnd)
            {
                perBatch[sentAt] = perBatch.GetValueOrDefault(sentAt) + 1;
            }

            if (!reader.IsDBNull(2) && Guid.TryParse(reader.GetString(2), out var orderId))
            {
                messageOrder[reader.GetGuid(0)] = (orderId, type);
                if (traces.TryGetValue(orderId, out var trace))
                {
                    trace.Points[$"sent:{database}:{type}"] = sentAt;
                }
            }
        }

        // one dispatcher transaction stamps all its rows with the same now(): a batch
        return perBatch;
    }

    private static async Task ReadInboxAsync(NpgsqlDataSource dataSource, string database, DateTime since, Dictionary<Guid, Trace> traces, Dictionary<Guid, (Guid OrderId, string Type)> messageOrder)
    {
        await using var command = dataSource.CreateCommand("SELECT message_id, processed_at FROM inbox_messages WHERE processed_at >= $1");
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (messageOrder.TryGetValue(reader.GetGuid(0), out var message) && traces.TryGetValue(message.OrderId, out var trace))
            {
                trace.Points[$"inbox:{database}:{message.Type}"] = reader.GetDateTime(1);
            }
        }
    }

    private static async Task ReadHistoryAsync(NpgsqlDataSource dataSource, DateTime since, Dictionary<Guid, Trace> traces)
    {
        await using var command = dataSource.CreateCommand("SELECT order_id, status, at FROM order_status_history WHERE at >= $1");
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (traces.TryGetValue(reader.GetGuid(0), out var trace))
            {
                trace.Points[$"history:{reader.GetString(1)}"] = reader.GetDateTime(2);
            }
        }
    }

    // "Platform.Contracts.IntegrationEvents.OrderSubmitted, Contracts" → "OrderSubmitted"
    private static string ShortTypeName(string messageType)
    {
        var fullName = messageType.Split(',')[0];
        return fullName[(fullName.LastIndexOf('.') + 1)..];
    }

    private sealed record ChargeList(List<Charge> Charges);

    private sealed record Charge(string IdempotencyKey, DateTimeOffset CreatedAt);
}
