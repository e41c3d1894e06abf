using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Messaging;

/// <summary>
/// Unhealthy while the broker answers and this process's receive endpoints are still starting; healthy for good once
/// every one has been ready. MassTransit's own check says Degraded while only some endpoints are ready, and a Degraded
/// /health still answers 200: a service just started was reported ready (and its dependants released, the test suite's
/// fixtures included) while some of its queues had no consumer yet. Messages waited, none were lost, but they were taken
/// in whatever order the endpoints came up.
/// <para>A broker that does not answer at all is an outage, not a start-up: Degraded then, so a service started during
/// one (a new replica, a restart) is ready like those already running and takes requests into its outbox; its consumers
/// start when the broker returns. After start-up an outage is MassTransit's check's to report, also as Degraded.</para>
/// </summary>
internal sealed class ConsumersStartedHealthCheck(IBusControl bus, BrokerAddress broker) : IHealthCheck
{
    public const string Name = "messaging-consumers";

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private volatile bool _started;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            var health = bus.CheckHealth();
            if (health.Status != BusHealthStatus.Healthy)
            {
                return await BrokerAnswersAsync(cancellationToken).ConfigureAwait(false)
                    ? new HealthCheckResult(context.Registration.FailureStatus, $"Receive endpoints are starting: {health.Description}")
                    : HealthCheckResult.Degraded($"The broker at {broker.Host}:{broker.Port} does not answer; the consumers start when it does");
            }

            _started = true;
        }

        return HealthCheckResult.Healthy("Every receive endpoint has been consuming since start-up.");
    }

    /// <summary>Whether anything accepts a connection at the broker's address (asked only until the consumers started).</summary>
    private async Task<bool> BrokerAnswersAsync(CancellationToken cancellationToken)
    {
        using var probe = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe.ConnectAsync(broker.Host, broker.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }
}
