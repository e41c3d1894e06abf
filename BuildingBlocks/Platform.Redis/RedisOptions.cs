using System.Globalization;
using System.Net.Security;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Redis;

/// <summary>
/// Connection settings. Usually parsed from a StackExchange.Redis-style connection string as handed out by Aspire,
/// e.g. <c>localhost:6379,password=secret,ssl=true,abortConnect=false</c>, or from a <c>redis://</c> /
/// <c>rediss://</c> URI. See docs/redis-client.md for the supported options.
/// </summary>
public sealed partial class RedisOptions
{
    /// <summary>Host name or IP address of the server. Default <c>localhost</c>.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>TCP port. Default 6379 (6380 when parsed from a connection string with <c>ssl=true</c> and no port).</summary>
    public int Port { get; set; } = 6379;

    /// <summary>ACL user name (Redis 6+); null for the default user.</summary>
    public string? User { get; set; }

    /// <summary>Password sent with AUTH after connecting; null to skip AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Use TLS.</summary>
    public bool Ssl { get; set; }

    /// <summary>Host name expected in the server certificate; defaults to <see cref="Host"/>.</summary>
    public string? SslHost { get; set; }

    /// <summary>Custom validation of the server certificate (e.g. a private CA); null uses the system's validation.</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; set; }

    /// <summary>Time allowed for one connection attempt: TCP connect, TLS handshake, AUTH, SELECT. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Default time a command may take from submission to reply, including time spent queued while disconnected
    /// (connection string: <c>asyncTimeout</c>, or <c>syncTimeout</c> when <c>asyncTimeout</c> is absent). Default 5 s.
    /// Override per call site with <see cref="RedisCommands.WithTimeout"/>.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When true (the default, as in StackExchange.Redis), <see cref="RedisConnection.ConnectAsync(RedisOptions, CancellationToken)"/>
    /// throws if the server cannot be reached in <see cref="ConnectRetry"/> attempts. When false it returns after the
    /// first attempt either way and keeps reconnecting in the background.
    /// </summary>
    public bool AbortOnConnectFail { get; set; } = true;

    /// <summary>Connection attempts made by ConnectAsync before it gives up when <see cref="AbortOnConnectFail"/> is true. Default 3.</summary>
    public int ConnectRetry { get; set; } = 3;

    /// <summary>Database selected with SELECT after connecting. Default 0.</summary>
    public int DefaultDatabase { get; set; }

    /// <summary>Name set with CLIENT SETNAME (visible in CLIENT LIST); null to skip.</summary>
    public string? ClientName { get; set; }

    /// <summary>A PING is sent when nothing has been written for this long. Default 60 s; zero disables.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When true (the default), commands issued while disconnected wait for the connection, up to their timeout,
    /// and fail with <see cref="RedisConnectionException"/> if it does not come back. When false they fail at once.
    /// Connection string: <c>backlog=true|false</c>.
    /// </summary>
    public bool BacklogWhileDisconnected { get; set; } = true;

    /// <summary>First reconnect delay; doubles per failed attempt up to <see cref="ReconnectMaxDelay"/>, with jitter. Default 100 ms.</summary>
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest reconnect delay. Default 5 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Logs connects, disconnects and failing pub/sub handlers; null for none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary><c>host:port</c>.</summary>
    public string EndPoint => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    public RedisOptions Clone() => (RedisOptions)MemberwiseClone();

    /// <summary>The options as a connection string, with the password masked.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(EndPoint);
        if (User is not null)
        {
            builder.Append(",user=").Append(User);
        }

        if (Password is not null)
        {
            builder.Append(",password=*****");
        }

        if (Ssl)
        {
            builder.Append(",ssl=true");
        }

        if (DefaultDatabase != 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $",defaultDatabase={DefaultDatabase}");
        }

        builder.Append(CultureInfo.InvariantCulture, $",connectTimeout={(long)ConnectTimeout.TotalMilliseconds}");
        builder.Append(CultureInfo.InvariantCulture, $",asyncTimeout={(long)CommandTimeout.TotalMilliseconds}");
        builder.Append(",abortConnect=").Append(AbortOnConnectFail ? "true" : "false");
        return builder.ToString();
    }
}
