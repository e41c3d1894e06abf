using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Platform.Identity.Infrastructure;

/// <summary>
/// The server's signing key (RSA, published in the JWKS) and encryption key (AES-256, for the codes and refresh
/// tokens only this server reads), created once by a schema step and read from the identity database, so a restart or
/// a second replica signs with the same key and tokens issued before stay valid.
/// </summary>
public sealed class IdentityKeys(NpgsqlDataSource dataSource)
{
    private readonly Lazy<(RsaSecurityKey Signing, SymmetricSecurityKey Encryption)> _keys = new(() => Load(dataSource));

    public RsaSecurityKey Signing => _keys.Value.Signing;

    public SymmetricSecurityKey Encryption => _keys.Value.Encryption;

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

    // Options are built on first use, after the migrator ran at start, so a synchronous read once is fine here.
    private static (RsaSecurityKey, SymmetricSecurityKey) Load(NpgsqlDataSource dataSource)
    {
        using var command = dataSource.CreateCommand("SELECT purpose, material FROM server_keys WHERE retired_at IS NULL");
        using var reader = command.ExecuteReader();
        byte[]? signing = null, encryption = null;
        while (reader.Read())
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
