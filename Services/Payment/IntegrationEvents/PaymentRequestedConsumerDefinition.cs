using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Payment.Model;

namespace Platform.Payment.IntegrationEvents;

/// <summary>
/// This endpoint waits out an unavailable provider: retries spaced up to <see cref="PaymentOptions.MaxRetryInterval"/>
/// for longer than <see cref="PaymentOptions.GiveUpAfter"/>, after which the consumer publishes PaymentFailed. No
/// delayed-exchange plugin or scheduler is needed: the message stays unacknowledged on this consumer meanwhile.
/// </summary>
public sealed class PaymentRequestedConsumerDefinition : ConsumerDefinition<PaymentRequestedConsumer>
{
    private readonly PaymentOptions _options;

    public PaymentRequestedConsumerDefinition(IOptions<PaymentOptions> options)
    {
        _options = options.Value;
        EndpointName = "payment-requested";
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<PaymentRequestedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(PaymentDecision.RetryIntervals(_options.GiveUpAfter, _options.MaxRetryInterval)));
    }
}
