using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Decides which spans may start a trace: a unit of work (a request served, a message received or published) may; a
/// database command, a Redis or HTTP call, a lock taken or any internal step that no unit of work encloses may not.
/// Those come from background loops (an outbox's poll, an admitter's lock, a token-key refresh), every second on every
/// replica whether they find work or not: as traces of their own they buried a purchase's trace among thousands
/// (issue 29). A loop that does find work traces it as a unit (the outbox's publish continues the trace of the request
/// that wrote the row), and its steps are children of that unit, sampled with it. Below it, the ratio decides.
/// </summary>
internal sealed class UnitOfWorkRootSampler(Sampler ratio) : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind is ActivityKind.Server or ActivityKind.Consumer or ActivityKind.Producer
            ? ratio.ShouldSample(samplingParameters)
            : Drop;
}
