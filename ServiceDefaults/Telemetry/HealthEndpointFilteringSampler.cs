using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Drops server spans for health probes and defers everything else to the configured sampler. ASP.NET Core
/// (.NET 10) passes url.path among the tags it creates its request Activity with, so the decision is made before the
/// Activity exists and a dropped probe costs no Activity at all.
/// </summary>
public sealed class HealthEndpointFilteringSampler(Sampler inner, IReadOnlyCollection<string> excludedPaths) : Sampler
{
    private const string UrlPathTag = "url.path";
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public Sampler Inner { get; } = inner;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.Kind == ActivityKind.Server && samplingParameters.Tags is { } tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == UrlPathTag && tag.Value is string path && IsExcluded(path))
                {
                    return Drop;
                }
            }
        }

        return Inner.ShouldSample(samplingParameters);
    }

    private bool IsExcluded(string path)
    {
        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        foreach (var excluded in excludedPaths)
        {
            if (string.Equals(trimmed, excluded, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
