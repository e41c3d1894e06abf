using System.Globalization;

namespace OrderBench;

/// <summary>Mean and nearest-rank percentiles of a set of durations in milliseconds.</summary>
public sealed record Stats(int Count, double Mean, double P50, double P99, double Max)
{
    public static Stats Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        return new Stats(sorted.Length, sorted.Average(), Rank(sorted, 0.50), Rank(sorted, 0.99), sorted[^1]);
    }

    public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    public override string ToString() => $"p50 {Ms(P50),7} ms   p99 {Ms(P99),7} ms   mean {Ms(Mean),7} ms   max {Ms(Max),7} ms";

    private static double Rank(double[] sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
}
