using System.Net.Sockets;
using System.Text;

namespace Platform.EndToEnd.Tests;

/// <summary>A local server's data lives with its run unless the resource asks for a data volume (Aspire's
/// <c>WithDataVolume</c>); then it outlives the run, as a container's volume would.</summary>
public sealed class DataVolumeTests
{
    [Fact]
    public async Task A_data_volume_keeps_data_across_runs_while_a_plain_run_starts_empty()
    {
        var ct = TestContext.Current.CancellationToken;
        var volume = $"e2e-volume-{Guid.NewGuid():N}";
        string? dataDirectory = null;
        try
        {
            await using (var first = await StartRedisAsync(volume, ct))
            {
                dataDirectory = await RedisAsync(first, ct, "CONFIG", "GET", "dir");
                Assert.EndsWith(volume, dataDirectory);
                Assert.Equal("+OK", await RedisAsync(first, ct, "SET", "survivor", "yes"));
            }

            await using (var second = await StartRedisAsync(volume, ct))
            {
                Assert.Equal("yes", await RedisAsync(second, ct, "GET", "survivor"));
            }

            await using var plain = await StartRedisAsync(volume: null, ct);
            Assert.DoesNotContain(volume, await RedisAsync(plain, ct, "CONFIG", "GET", "dir"));
            Assert.Null(await RedisAsync(plain, ct, "GET", "survivor"));
        }
        finally
        {
            if (dataDirectory is not null && Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    private static Task<PlatformApp> StartRedisAsync(string? volume, CancellationToken ct) =>
        PlatformAppBuilder.Create()
            .Only("catalog-cache")
            .Configure(builder =>
            {
                if (volume is not null)
                {
                    builder.CreateResourceBuilder(builder.Resources.OfType<RedisResource>().Single(r => r.Name == "catalog-cache")).WithDataVolume(volume);
                }
            })
            .StartAsync(cancellationToken: ct);

    /// <summary>Sends AUTH then one command; returns its reply: a status line, a bulk string (the last of an array), or null.</summary>
    private static async Task<string?> RedisAsync(PlatformApp app, CancellationToken ct, params string[] command)
    {
        // a server that accepts but never answers fails the test instead of holding it
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        ct = patience.Token;
        var (port, password) = RedisAddress.Parse(await app.ConnectionStringAsync("catalog-cache", ct));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, ct);
        var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await stream.WriteAsync(Encode(["AUTH", password]), ct);
        Assert.Equal("+OK", await reader.ReadLineAsync(ct));
        await stream.WriteAsync(Encode(command), ct);
        var first = (await reader.ReadLineAsync(ct))!;
        return first switch
        {
            "$-1" => null,
            ['$', ..] => await reader.ReadLineAsync(ct),
            ['*', ..] => await LastOfArrayAsync(reader, int.Parse(first[1..]), ct),
            _ => first,
        };
    }

    private static async Task<string?> LastOfArrayAsync(StreamReader reader, int count, CancellationToken ct)
    {
        string? last = null;
        for (var i = 0; i < count; i++)
        {
            await reader.ReadLineAsync(ct); // $length
            last = await reader.ReadLineAsync(ct);
        }

        return last;
    }

    private static byte[] Encode(string[] parts) =>
        Encoding.UTF8.GetBytes($"*{parts.Length}\r\n" + string.Concat(parts.Select(p => $"${Encoding.UTF8.GetByteCount(p)}\r\n{p}\r\n")));
}
