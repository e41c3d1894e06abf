namespace Platform.Messaging;

/// <summary>The parts of Aspire's RabbitMQ connection string, <c>amqp://user:password@host:port</c>.</summary>
internal sealed record BrokerAddress(string Host, ushort Port, string UserName, string Password, Uri Uri)
{
    public static BrokerAddress Parse(string? connectionString, string connectionName)
    {
        if (string.IsNullOrWhiteSpace(connectionString) || !Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps"))
        {
            throw new InvalidOperationException(
                $"RabbitMQ connection string 'ConnectionStrings:{connectionName}' is missing or not an amqp:// URI. Reference the broker from the AppHost (WithReference).");
        }

        var credentials = uri.UserInfo.Split(':', 2);
        return new BrokerAddress(
            uri.Host,
            (ushort)(uri.IsDefaultPort || uri.Port < 0 ? 5672 : uri.Port),
            Uri.UnescapeDataString(credentials[0]),
            credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "",
            uri);
    }
}
