using System.Globalization;

namespace Platform.Redis;

// Parsing of StackExchange.Redis-style connection strings and redis:// URIs.
public sealed partial class RedisOptions
{
    private static readonly HashSet<string> IgnoredKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        // StackExchange.Redis options that have no meaning for a single-endpoint RESP2 client; accepted so that
        // connection strings written for it keep working.
        "allowAdmin", "resolveDns", "tiebreaker", "configChannel", "serviceName", "version", "configCheckSeconds",
        "responseTimeout", "writeBuffer", "highPrioritySocketThreads", "setlib", "protocol", "proxy",
        "checkCertificateRevocation", "sslProtocols",
    };

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
}
