using System.Diagnostics.Metrics;

namespace Platform.Gateway.WaitingRoom;

/// <summary>
/// The waiting room's figures in the dashboard (meter <c>Platform.WaitingRoom</c>, tagged by sale): gauges of each
/// sale as this replica last read it (every replica reports the same sale, so read one instance or the max), and
/// counters of what this replica did.
/// </summary>
internal sealed class WaitingRoomMetrics
{
    public const string MeterName = "Platform.WaitingRoom";
    private readonly Counter<long> _admitted;
    private readonly Counter<long> _expired;
    private readonly Counter<long> _polls;
    private readonly Counter<long> _gated;

    public WaitingRoomMetrics(IMeterFactory meters, SaleBoard board)
    {
        var meter = meters.Create(MeterName);
        Gauge("joined", "{buyer}", "Buyers who joined the sale's queue.", s => s.Snapshot.Joined);
        Gauge("waiting", "{buyer}", "Buyers waiting in the queue.", s => s.Snapshot.Waiting);
        Gauge("admitted", "{buyer}", "Buyers admitted so far.", s => s.Snapshot.Admitted);
        Gauge("ordered", "{order}", "Orders placed with an admission.", s => s.Snapshot.Ordered);
        Gauge("expired", "{buyer}", "Buyers who stopped polling and lost their place, plus admissions never used.", s => s.Snapshot.Expired + s.Snapshot.Lapsed);
        meter.CreateObservableGauge("platform.waiting_room.admission_rate", () => Measure(board, s => s.MeasuredRate), "{buyer}/s",
            "Buyers let through per second, measured over the last seconds.");
        meter.CreateObservableGauge("platform.waiting_room.estimated_wait", () => Measure(board, s => EstimatedWait(s, s.Snapshot.Waiting) ?? 0), "s",
            "How long the last buyer in the queue can expect to wait at the measured rate.");
        _admitted = meter.CreateCounter<long>("platform.waiting_room.admissions", "{buyer}", "Buyers this replica admitted (as the admitter).");
        _expired = meter.CreateCounter<long>("platform.waiting_room.expirations", "{buyer}", "Places and admissions this replica expired (as the admitter).");
        _polls = meter.CreateCounter<long>("platform.waiting_room.polls", "{request}", "Status polls this replica answered.");
        _gated = meter.CreateCounter<long>("platform.waiting_room.gated_orders", "{request}", "Orders for a sale's products, by outcome.");

        void Gauge(string name, string unit, string description, Func<SaleView, long> value) =>
            meter.CreateObservableGauge($"platform.waiting_room.{name}", () => Measure(board, value), unit, description);
    }

    /// <summary>Seconds until <paramref name="ahead"/> buyers are through at the measured rate (the configured one until measured).</summary>
    public static double? EstimatedWait(SaleView sale, long ahead)
    {
        var rate = sale.MeasuredRate > 0 ? sale.MeasuredRate : sale.Snapshot.Rate;
        return rate > 0 ? Math.Round(ahead / rate, 1) : null;
    }

    public void Admitted(string sale, long admitted, long expired, long lapsed)
    {
        var tag = new KeyValuePair<string, object?>("sale", sale);
        if (admitted > 0)
        {
            _admitted.Add(admitted, tag);
        }

        if (expired + lapsed > 0)
        {
            _expired.Add(expired + lapsed, tag);
        }
    }

    public void Polled(string sale) => _polls.Add(1, new KeyValuePair<string, object?>("sale", sale));

    public void Gated(string sale, string outcome) =>
        _gated.Add(1, new KeyValuePair<string, object?>("sale", sale), new KeyValuePair<string, object?>("outcome", outcome));

    private static IEnumerable<Measurement<T>> Measure<T>(SaleBoard board, Func<SaleView, T> value) where T : struct =>
        board.Sales.Select(s => new Measurement<T>(value(s), new KeyValuePair<string, object?>("sale", s.Snapshot.Id)));
}
