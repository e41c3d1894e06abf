namespace Platform.Redis;

/// <summary>Base class of the client's exceptions (except <see cref="RedisTimeoutException"/>, a <see cref="TimeoutException"/>).</summary>
public class RedisException : Exception
{
    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The server answered the command with an error reply; <see cref="Exception.Message"/> is the server's message.</summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException(string message)
        : base(message)
    {
        var space = message.IndexOf(' ');
        ErrorCode = space > 0 ? message[..space] : message;
    }

    /// <summary>The first word of the error, e.g. <c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, <c>WRONGPASS</c>.</summary>
    public string ErrorCode { get; }
}

/// <summary>
/// No connection: the socket could not be opened or authenticated, or it was lost while the command was in flight
/// (in which case the command may or may not have been executed by the server).
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException(string endPoint, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        EndPoint = endPoint;
    }

    /// <summary>The server endpoint, <c>host:port</c>.</summary>
    public string EndPoint { get; }
}

/// <summary>The reply did not arrive within the command's timeout. The connection stays open.</summary>
public sealed class RedisTimeoutException : TimeoutException
{
    public RedisTimeoutException(string endPoint, string message)
        : base(message)
    {
        EndPoint = endPoint;
    }

    /// <summary>The server endpoint, <c>host:port</c>.</summary>
    public string EndPoint { get; }
}

/// <summary>The server sent bytes that are not valid RESP2; the connection is dropped and re-established.</summary>
public sealed class RedisProtocolException : RedisException
{
    public RedisProtocolException(string message)
        : base(message)
    {
    }
}
