using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Platform.Hosting.Dashboard.Otlp.Proto.Common;
using Platform.Hosting.Dashboard.Telemetry;

namespace Platform.Hosting.Dashboard.Otlp;

/// <summary>Turns OTLP's wire values (AnyValue, nanosecond timestamps, id bytes) into what the dashboard shows.</summary>
internal static class OtlpValues
{
    /// <summary>Attribute values are cut at this length: a dashboard row does not need a 1 MB SQL statement.</summary>
    public const int MaxValueLength = 4_096;

    public static string Format(AnyValue? value)
    {
        var text = value?.ValueCase switch
        {
            null or AnyValue.ValueOneofCase.None => "",
            AnyValue.ValueOneofCase.StringValue => value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
            AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
            AnyValue.ValueOneofCase.BytesValue => Convert.ToBase64String(value.BytesValue.Span),
            AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(", ", value.ArrayValue.Values.Select(Format)) + "]",
            AnyValue.ValueOneofCase.KvlistValue => "{" + string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}: {Format(kv.Value)}")) + "}",
            _ => "",
        };
        return text.Length > MaxValueLength ? text[..MaxValueLength] + "…" : text;
    }

    public static IReadOnlyList<TelemetryAttribute> Attributes(RepeatedField<KeyValue> attributes) =>
        [.. attributes.Select(a => new TelemetryAttribute(a.Key, Format(a.Value)))];

    public static string? Attribute(RepeatedField<KeyValue> attributes, string key) =>
        attributes.FirstOrDefault(a => a.Key == key) is { } found ? Format(found.Value) : null;

    public static DateTimeOffset Time(ulong unixNanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanoseconds / 100));

    /// <summary>Lower-case hex, as W3C trace context writes ids; null for an absent (empty or all-zero) id.</summary>
    public static string? Id(ByteString id) =>
        id.IsEmpty || id.Span.IndexOfAnyExcept((byte)0) < 0 ? null : Convert.ToHexStringLower(id.Span);

    public static TelemetrySource Source(Proto.Resource.Resource? resource)
    {
        if (resource is null)
        {
            return new TelemetrySource("unknown", null);
        }

        var service = Attribute(resource.Attributes, "service.name");
        return new TelemetrySource(string.IsNullOrEmpty(service) ? "unknown" : service, Attribute(resource.Attributes, "service.instance.id"));
    }
}
