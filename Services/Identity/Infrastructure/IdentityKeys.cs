using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// The server's signing key (RSA, published in the JWKS) and encryption key (AES-256, for the codes and refresh
/// tokens only this server reads), created once by a schema step and read from the identity database, so a restart or
/// a second replica signs with the same key and tokens issued before stay valid.
/// Read once as the service starts (a hosted service, after the schema migrator, before Kestrel), never on a request:
/// the OpenID server's options are built once and cached with whatever their construction threw, so a key read that met
/// a database blip on the first request would break every later <c>/connect/*</c> and <c>/.well-known/*</c> until a
/// restart. A start that cannot read them fails, and is restarted, instead.
/// </summary>
public sealed class IdentityKeys(NpgsqlDataSource dataSource) : IHostedService
{
    private (RsaSecurityKey Signing, SymmetricSecurityKey Encryption)? _keys;

    public RsaSecurityKey Signing => Current.Signing;

    public SymmetricSecurityKey Encryption => Current.Encryption;

    private (RsaSecurityKey Signing, SymmetricSecurityKey Encryption) Current =>
        _keys ?? throw new InvalidOperationException("The identity keys are read as the service starts; nothing may use them before.");

    public async Task StartAsync(CancellationToken cancellationToken) => _keys = await LoadAsync(dataSource, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The schema step that creates both keys; later steps may rotate them.</summary>
    internal static async Task CreateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(2048);
        await using var command = new NpgsqlCommand(
            "INSERT INTO server_keys (purpose, material) VALUES ('signing', @signing), ('encryption', @encryption)", connection);
        command.Parameters.AddWithValue("signing", rsa.ExportPkcs8PrivateKey());
        command.Parameters.AddWithValue("encryption", RandomNumberGenerator.GetBytes(32));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<(RsaSecurityKey, SymmetricSecurityKey)> LoadAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT purpose, material FROM server_keys WHERE retired_at IS NULL");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        byte[]? signing = null, encryption = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(0) == "signing")
            {
                signing = reader.GetFieldValue<byte[]>(1);
            }
            else if (reader.GetString(0) == "encryption")
            {
                encryption = reader.GetFieldValue<byte[]>(1);
            }
        }

        if (signing is null || encryption is null)
        {
            throw new InvalidOperationException("The identity database has no current signing or encryption key; its schema steps have not run.");
        }

        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(signing, out _);
        // a stable key id derived from the public key, so the JWKS names the same key after every restart
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return (new RsaSecurityKey(rsa) { KeyId = keyId }, new SymmetricSecurityKey(encryption));
    }
}
