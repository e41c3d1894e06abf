using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Redis.Tests;

public sealed class TlsTests
{
    private static (string CertificatePath, string KeyPath, X509Certificate2 Certificate) CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var directory = Directory.CreateTempSubdirectory("redis-tls-");
        var certificatePath = Path.Combine(directory.FullName, "redis.crt");
        var keyPath = Path.Combine(directory.FullName, "redis.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate);
    }

    [Fact]
    public async Task Connects_over_tls_and_validates_the_server_certificate()
    {
        var (certificatePath, keyPath, certificate) = CreateCertificate();
        await using var server = await RedisServer.StartTlsAsync(certificatePath, keyPath);

        // trusted: the certificate is the one we issued
        var options = RedisOptions.Parse($"{server.EndPoint},password={server.Password},ssl=true,sslHost=localhost");
        options.CertificateValidation = (_, presented, _, errors) =>
            presented is not null && presented.GetCertHashString() == certificate.GetCertHashString()
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None;
        await using var redis = await RedisConnection.ConnectAsync(options);
        await redis.SetAsync("tls", "yes");
        Assert.Equal("yes", (string?)await redis.GetAsync("tls"));

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var sub = await redis.SubscribeAsync("tls-channel", (_, m) => received.TrySetResult(m.ToString()));
        await redis.PublishAsync("tls-channel", "hello");
        Assert.Equal("hello", await received.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        // untrusted self-signed certificate with the system's validation: refused
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() =>
            RedisConnection.ConnectAsync($"{server.EndPoint},password={server.Password},ssl=true,sslHost=localhost,connectRetry=1"));
        Assert.Contains("Could not connect", error.Message, StringComparison.Ordinal);
    }
}
