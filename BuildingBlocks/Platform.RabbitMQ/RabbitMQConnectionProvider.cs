using RabbitMQ.Client;

namespace Platform.RabbitMQ;

/// <summary>One connection per process, opened on first use and reopened after the broker closed it, so a service starts
/// while the broker is down and recovers when it returns.</summary>
public sealed class RabbitMQConnectionProvider(Uri uri, string clientName) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConnectionFactory _factory = new()
    {
        Uri = uri,
        ClientProvidedName = clientName,
        RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
        AutomaticRecoveryEnabled = true,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
    };

    private IConnection? _connection;

    public string Endpoint => $"{uri.Host}:{uri.Port}";

    public async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true } open)
        {
            return open;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsOpen: true } reopened)
            {
                return reopened;
            }

            if (_connection is not null)
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }

            _connection = await _factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
