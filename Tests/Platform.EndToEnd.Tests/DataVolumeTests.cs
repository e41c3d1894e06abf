using System.Net.Sockets;
using System.Text;

namespace Platform.EndToEnd.Tests;

/// <summary>Data is per run unless a resource asks for a volume; then data and the secrets guarding it outlive the run.</summary>
public sealed class DataVolumeTests
{
    [Fact]
    public async Task A_data_volume_keeps_data_and_password_across_runs_while_a_plain_run_starts_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        var volume = $"e2e-volume-{Guid.NewGuid():N}";
        try
        {
            string firstPassword;
            await using (var first = await StartRedisAsync(volume, ct))
            {
                firstPassword = await PasswordAsync(first, ct);
                Assert.Equal("+OK", await RedisAsync(first, ct, "SET", "survivor", "yes"));
            }

            await using (var second = await StartRedisAsync(volume, ct))
            {
                Assert.Equal(firstPassword, await PasswordAsync(second, ct));
                Assert.Equal("$3", await RedisAsync(second, ct, "GET", "survivor"));
            }

            await using var plain = await StartRedisAsync(volume: null, ct);
            Assert.NotEqual(firstPassword, await PasswordAsync(plain, ct));
            Assert.Equal("$-1", await RedisAsync(plain, ct, "GET", "survivor"));
        }
        finally
        {
            var root = Path.Combine("/var/tmp", "platform-apphost", "volume-test");
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<DistributedApplication> StartRedisAsync(string? volume, CancellationToken ct)
    {
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ApplicationName = "volume-test", AppHostDirectory = AppContext.BaseDirectory });
        var cache = builder.AddRedis("cache");
        if (volume is not null)
        {
            cache.WithDataVolume(volume);
        }

        var app = builder.Build();
        await app.StartAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await app.WaitForResourceHealthyAsync("cache", timeout.Token);
        return app;
    }

    private static async Task<string> PasswordAsync(DistributedApplication app, CancellationToken ct) =>
        (await app.GetConnectionStringAsync("cache", ct))!.Split("password=")[1];

    /// <summary>Sends AUTH then one command; returns the first line of the command's reply.</summary>
    private static async Task<string> RedisAsync(DistributedApplication app, CancellationToken ct, params string[] command)
    {
        var connectionString = (await app.GetConnectionStringAsync("cache", ct))!;
        var port = int.Parse(connectionString.Split(',')[0].Split(':')[1]);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, ct);
        using var reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encode(["AUTH", connectionString.Split("password=")[1]]), ct);
        Assert.Equal("+OK", await reader.ReadLineAsync(ct));
        await stream.WriteAsync(Encode(command), ct);
        return (await reader.ReadLineAsync(ct))!;
    }

    private static byte[] Encode(string[] parts) =>
        Encoding.UTF8.GetBytes($"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n")));
}
