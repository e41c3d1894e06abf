using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Redis.Tests;

/// <summary>A scripted server on a real socket: replies dribbled byte by byte, garbage, and abrupt closes.</summary>
public sealed class FakeServerTests
{
    /// <summary>Accepts one connection; for each command received sends the next scripted reply, flushing every <paramref name="chunk"/> bytes.</summary>
    private static async Task ServeAsync(TcpListener listener, IReadOnlyList<byte[]> replies, int chunk, CancellationToken cancellationToken)
    {
        try
        {
            await ServeCoreAsync(listener, replies, chunk, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task ServeCoreAsync(TcpListener listener, IReadOnlyList<byte[]> replies, int chunk, CancellationToken cancellationToken)
    {
        using var client = await listener.AcceptTcpClientAsync(cancellationToken);
        client.NoDelay = true;
        var stream = client.GetStream();
        var buffer = new byte[65536];
        int sent = 0;
        int commandsSeen = 0;
        var pending = new StringBuilder();
        while (sent < replies.Count)
        {
            int n = await stream.ReadAsync(buffer, cancellationToken);
            if (n == 0)
            {
                return;
            }

            pending.Append(Encoding.Latin1.GetString(buffer, 0, n));
            // every command the client sends starts with '*' at the beginning of a line; count them
            var text = pending.ToString();
            int count = text.Split("\r\n").Count(line => line.StartsWith('*'));
            for (; commandsSeen < count && sent < replies.Count; commandsSeen++, sent++)
            {
                var reply = replies[sent];
                for (int offset = 0; offset < reply.Length; offset += chunk)
                {
                    await stream.WriteAsync(reply.AsMemory(offset, Math.Min(chunk, reply.Length - offset)), cancellationToken);
                    await stream.FlushAsync(cancellationToken);
                    if (chunk == 1)
                    {
                        await Task.Delay(1, cancellationToken);
                    }
                }
            }
        }

        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [Fact]
    public async Task Replies_arriving_one_byte_at_a_time_are_matched_to_their_commands()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        byte[][] replies =
        [
            RespTestData.Ascii("*3\r\n$5\r\nhello\r\n*2\r\n:1\r\n$-1\r\n-ERR nested\r\n"),
            RespTestData.Ascii("$12\r\nwith\r\ncrlf\r\n\r\n"),
            RespTestData.Ascii("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"),
            RespTestData.Ascii(":-9223372036854775808\r\n"),
            RespTestData.Ascii("*-1\r\n"),
        ];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var serving = ServeAsync(listener, replies, chunk: 1, cts.Token);
        await using var redis = await RedisConnection.ConnectAsync($"127.0.0.1:{port},keepAlive=0");
        var t1 = redis.ExecuteAsync("X1");
        var t2 = redis.GetAsync("k");
        var t3 = redis.GetAsync("k");
        var t4 = redis.IncrAsync("k");
        var t5 = redis.MGetAsync(["k"]);

        var r1 = (await t1).AsArray();
        Assert.Equal("hello", r1[0].AsString());
        Assert.Equal(1, r1[1].AsArray()[0].AsInt64());
        Assert.True(r1[1].AsArray()[1].IsNull);
        Assert.Equal(RedisResultType.Error, r1[2].Type);
        Assert.Equal("with\r\ncrlf\r\n", (string?)await t2);
        Assert.Equal("WRONGTYPE", (await Assert.ThrowsAsync<RedisServerException>(() => t3)).ErrorCode);
        Assert.Equal(long.MinValue, await t4);
        Assert.Empty(await t5);
        await cts.CancelAsync();
        await serving;
    }

    [Fact]
    public async Task A_corrupt_reply_fails_in_flight_commands_and_the_client_reconnects()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var first = ServeAsync(listener, [RespTestData.Ascii("?garbage\r\n")], chunk: 64, cts.Token);
        await using var redis = await RedisConnection.ConnectAsync($"127.0.0.1:{port},keepAlive=0,connectTimeout=1000");
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.GetAsync("k"));
        Assert.Contains("Unexpected RESP type byte 0x3F", error.Message, StringComparison.Ordinal);

        var second = ServeAsync(listener, [RespTestData.Ascii("+PONG\r\n")], chunk: 64, cts.Token);
        Assert.True(await redis.PingAsync() >= TimeSpan.Zero);
        await cts.CancelAsync();
        await Task.WhenAll(first, second).ContinueWith(_ => { }, CancellationToken.None);
    }
}
