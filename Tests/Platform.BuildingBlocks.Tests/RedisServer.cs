using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Platform.Redis;

namespace Platform.BuildingBlocks.Tests;

/// <summary>A real redis-server on a free loopback port with a random password and no persistence; can be killed and restarted on the same port.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port, string password)
    {
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    public string ConnectionString => $"127.0.0.1:{Port},password={Password},abortConnect=false";

    public static async Task<RedisServer> StartAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var server = new RedisServer(port, Guid.NewGuid().ToString("N"));
        await server.RestartAsync();
        return server;
    }

    public async Task RestartAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var start = new ProcessStartInfo("/usr/bin/redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", Password, "--save", "", "--appendonly", "no" })
            {
                start.ArgumentList.Add(arg);
            }

            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await AnswersPingAsync())
            {
                return;
            }

            Kill(); // the port may still be held by the previous process: retry
            if (deadline.Elapsed > TimeSpan.FromSeconds(15))
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port}.");
            }

            await Task.Delay(200);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        var until = Stopwatch.StartNew();
        while (until.Elapsed < TimeSpan.FromSeconds(5) && !_process!.HasExited)
        {
            try
            {
                await using var probe = await RedisConnection.ConnectAsync($"127.0.0.1:{Port},password={Password},connectRetry=1,connectTimeout=500");
                await probe.PingAsync();
                return true;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                await Task.Delay(50);
            }
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

    public Task<RedisConnection> ConnectAsync() => RedisConnection.ConnectAsync($"127.0.0.1:{Port},password={Password}");

    public ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One server per test class (tests that kill it start their own).</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Server { get; private set; } = null!;

    public RedisConnection Connection { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Server = await RedisServer.StartAsync();
        Connection = await Server.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        await Server.DisposeAsync();
    }

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
