namespace Platform.Payment.IntegrationEvents;

/// <summary>The payment is neither charged nor refused yet: roll back and let the retry policy try again later.</summary>
public sealed class PaymentNotDecidedException(string message) : Exception(message);
