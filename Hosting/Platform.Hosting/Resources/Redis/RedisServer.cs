using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Platform.Hosting.ApplicationModel;
using Platform.Hosting.Orchestration;

namespace Platform.Hosting.Resources.Redis;

internal sealed class RedisServer(RedisResource resource) : ILocalServer
{
    public IReadOnlyList<RequiredBinary> RequiredBinaries { get; } = [new("/usr/bin/redis-server", "redis-server")];

    public async Task<IReadOnlyList<ProcessSpec>> PrepareAsync(LocalServerContext context, CancellationToken cancellationToken)
    {
        // The password goes in a private config file, never on the command line where `ps` would show it.
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"port {resource.PrimaryEndpoint.Port}")
            .AppendLine(CultureInfo.InvariantCulture, $"bind {LocalHost.Address}")
            .AppendLine("protected-mode yes")
            .AppendLine(CultureInfo.InvariantCulture, $"requirepass {resource.PasswordParameter.Value}")
            .AppendLine(CultureInfo.InvariantCulture, $"dir {context.DataDirectory}")
            .AppendLine("daemonize no")
            .AppendLine("loglevel notice")
            .AppendLine(context.IsPersistent ? "appendonly yes" : "appendonly no")
            .AppendLine(context.IsPersistent ? "save 60 1" : "save \"\"")
            .ToString();
        var path = Path.Combine(context.ScratchDirectory, "redis.conf");
        await PrivateFile.WriteAsync(path, config, cancellationToken).ConfigureAwait(false);
        return [new ProcessSpec("/usr/bin/redis-server", [path]) { WorkingDirectory = context.DataDirectory }];
    }

    public async Task<HealthCheckOutcome> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(LocalHost.Address, resource.PrimaryEndpoint.Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            var password = resource.PasswordParameter.Value;
            var request = $"*2\r\n$4\r\nAUTH\r\n${Encoding.UTF8.GetByteCount(password)}\r\n{password}\r\n*1\r\n$4\r\nPING\r\n";
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), cancellationToken).ConfigureAwait(false);
            var reply = await ReadLinesAsync(stream, 2, cancellationToken).ConfigureAwait(false);
            return reply is ["+OK", "+PONG"]
                ? HealthCheckOutcome.Healthy("PONG")
                : HealthCheckOutcome.Unhealthy($"Unexpected reply to AUTH+PING: {string.Join(" | ", reply)}");
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return HealthCheckOutcome.Unhealthy(ex.Message);
        }
    }

    private static async Task<string[]> ReadLinesAsync(NetworkStream stream, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var text = new StringBuilder();
        while (text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length < count)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        return text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }
}
