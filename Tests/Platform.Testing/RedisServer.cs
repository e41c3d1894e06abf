using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StackExchange.Redis;

namespace Platform.Testing;

/// <summary>
/// A real redis-server on a free loopback port with a random password, no persistence. Can be killed (SIGKILL),
/// paused (SIGSTOP/SIGCONT) and restarted on the same port.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string ServerPath = Environment.GetEnvironmentVariable("REDIS_SERVER_PATH") ?? "/usr/bin/redis-server";
    private readonly string[] _extraArgs;
    private Process? _process;

    private RedisServer(int port, string password, string[] extraArgs)
    {
        Port = port;
        Password = password;
        _extraArgs = extraArgs;
    }

    public int Port { get; }

    public string Password { get; }

    public string EndPoint => $"127.0.0.1:{Port}";

    /// <summary>An Aspire-style connection string.</summary>
    public string ConnectionString => $"{EndPoint},password={Password},abortConnect=false";

    public int ProcessId => _process?.Id ?? 0;

    public static async Task<RedisServer> StartAsync(string? password = null, params string[] extraArgs)
    {
        var server = Create(password, extraArgs);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>A server with a port and password chosen but not started yet (<see cref="StartProcessAsync"/>).</summary>
    public static RedisServer Create(string? password = null, params string[] extraArgs)
    {
        if (!File.Exists(ServerPath))
        {
            throw new InvalidOperationException(
                $"{ServerPath} not found: the Redis tests need a local redis-server (apt-get install redis-server) or REDIS_SERVER_PATH.");
        }

        return new RedisServer(FreePort(), password ?? Guid.NewGuid().ToString("N"), extraArgs);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task StartProcessAsync()
    {
        var start = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--requirepass", Password, "--save", "", "--appendonly", "no", "--enable-debug-command", "local",
        }.Concat(_extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await WaitForPingAsync(TimeSpan.FromSeconds(5)))
            {
                return;
            }

            // the port may still be held by the previous process' socket: retry
            Kill();
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}.");
            }

            await Task.Delay(200);
        }
    }

    private async Task<bool> WaitForPingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process!.HasExited)
            {
                return false;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                Stream stream = client.GetStream();
                var auth = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(Password)}\r\n{Password}\r\n*1\r\n$4\r\nPING\r\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(auth));
                var buffer = new byte[256];
                var received = new StringBuilder();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                while (!received.ToString().Contains("+PONG", StringComparison.Ordinal))
                {
                    int n = await stream.ReadAsync(buffer, cts.Token);
                    if (n == 0)
                    {
                        break;
                    }

                    received.Append(Encoding.UTF8.GetString(buffer, 0, n));
                }

                if (received.ToString().Contains("+PONG", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
            }

            await Task.Delay(50);
        }

        return false;
    }

    /// <summary>SIGKILL: the server dies without closing anything gracefully.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
    }

    public Task RestartAsync() => StartProcessAsync();

    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {_process!.Id}");
        kill.WaitForExit();
    }

    public async Task<IConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(ConnectionString);

    public ValueTask DisposeAsync()
    {
        try
        {
            Resume();
        }
        catch (Exception)
        {
            // not started or already gone
        }

        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}
