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
public sealed class RedisOptions
{
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        // StackExchange.Redis options that have no meaning for a single-endpoint RESP2 client; accepted so that
        // connection strings written for it keep working.
        "allowAdmin", "resolveDns", "tiebreaker", "configChannel", "serviceName", "version", "configCheckSeconds",
        "responseTimeout", "writeBuffer", "highPrioritySocketThreads", "setlib", "protocol", "proxy",
        "checkCertificateRevocation", "sslProtocols",
    };

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

    /// <summary>
    /// Parses a connection string: <c>host[:port][,key=value...]</c> (keys case-insensitive), or a URI
    /// <c>redis://[[user]:password@]host[:port][/db]</c> (<c>rediss://</c> for TLS).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown option, bad value, or not exactly one endpoint.</exception>
    public static RedisOptions Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var trimmed = connectionString.Trim();
        if (trimmed.StartsWith("redis://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
        {
            return ParseUri(trimmed);
        }

        var options = new RedisOptions();
        string? endPoint = null;
        bool portGiven = false;
        TimeSpan? syncTimeout = null, asyncTimeout = null;
        foreach (var rawPart in trimmed.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            int eq = part.IndexOf('=');
            if (eq < 0)
            {
                if (endPoint is not null)
                {
                    throw new ArgumentException(
                        $"Only one endpoint is supported, but the connection string names '{endPoint}' and '{part}'.",
                        nameof(connectionString));
                }

                endPoint = part;
                (options.Host, var port) = ParseEndPoint(part);
                if (port is not null)
                {
                    options.Port = port.Value;
                    portGiven = true;
                }

                continue;
            }

            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "password":
                    options.Password = value;
                    break;
                case "user":
                    options.User = value;
                    break;
                case "ssl":
                    options.Ssl = ParseBool(key, value);
                    break;
                case "sslhost":
                    options.SslHost = value;
                    break;
                case "connecttimeout":
                    options.ConnectTimeout = ParseMilliseconds(key, value);
                    break;
                case "synctimeout":
                    syncTimeout = ParseMilliseconds(key, value);
                    break;
                case "asynctimeout":
                    asyncTimeout = ParseMilliseconds(key, value);
                    break;
                case "abortconnect":
                    options.AbortOnConnectFail = ParseBool(key, value);
                    break;
                case "connectretry":
                    options.ConnectRetry = Math.Max(1, ParseInt(key, value));
                    break;
                case "defaultdatabase":
                    options.DefaultDatabase = ParseInt(key, value);
                    break;
                case "name":
                    options.ClientName = value;
                    break;
                case "keepalive":
                    options.KeepAlive = TimeSpan.FromSeconds(ParseInt(key, value));
                    break;
                case "backlog":
                    options.BacklogWhileDisconnected = ParseBool(key, value);
                    break;
                default:
                    if (!IgnoredKeys.Contains(key))
                    {
                        throw new ArgumentException($"Unknown Redis connection string option '{key}'.", nameof(connectionString));
                    }

                    break;
            }
        }

        if (endPoint is null)
        {
            throw new ArgumentException("The connection string names no endpoint (host:port).", nameof(connectionString));
        }

        if (!portGiven && options.Ssl)
        {
            options.Port = 6380;
        }

        if ((asyncTimeout ?? syncTimeout) is { } timeout)
        {
            options.CommandTimeout = timeout;
        }

        return options;
    }

    private static RedisOptions ParseUri(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"'{text}' is not a valid redis:// URI.", nameof(text));
        }

        var options = new RedisOptions
        {
            Host = uri.Host.Trim('[', ']'),
            Ssl = uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase),
        };
        options.Port = uri.IsDefaultPort || uri.Port < 0 ? (options.Ssl ? 6380 : 6379) : uri.Port;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            var userInfo = uri.UserInfo;
            int colon = userInfo.IndexOf(':');
            var user = Uri.UnescapeDataString(colon < 0 ? "" : userInfo[..colon]);
            var password = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[(colon + 1)..]);
            options.User = user.Length == 0 ? null : user;
            options.Password = password.Length == 0 ? null : password;
        }

        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            options.DefaultDatabase = ParseInt("database", path);
        }

        return options;
    }

    private static (string Host, int? Port) ParseEndPoint(string text)
    {
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']');
            if (close < 0)
            {
                throw new ArgumentException($"Invalid endpoint '{text}'.");
            }

            var host = text[1..close];
            var rest = text[(close + 1)..];
            return (host, rest.StartsWith(':') ? ParsePort(text, rest[1..]) : null);
        }

        int colon = text.LastIndexOf(':');
        if (colon < 0 || text.IndexOf(':') != colon)
        {
            return (text, null); // no port, or a bare IPv6 address
        }

        return (text[..colon], ParsePort(text, text[(colon + 1)..]));
    }

    private static int ParsePort(string endPoint, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and <= 65535
            ? port
            : throw new ArgumentException($"Invalid port in endpoint '{endPoint}'.");

    private static bool ParseBool(string key, string value) =>
        bool.TryParse(value, out bool result) ? result : throw new ArgumentException($"Option '{key}' expects true or false, not '{value}'.");

    private static int ParseInt(string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result) && result >= 0
            ? result
            : throw new ArgumentException($"Option '{key}' expects a non-negative integer, not '{value}'.");

    private static TimeSpan ParseMilliseconds(string key, string value) => TimeSpan.FromMilliseconds(ParseInt(key, value));

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
