using System.Security.Cryptography;

namespace Platform.Hosting.ApplicationModel;

/// <summary>A value supplied at deploy time; secrets are generated for local runs, never written to logs or git.</summary>
public sealed class ParameterResource(string name, bool secret, int generatedLength = 22) : Resource(name), IValueProvider, IManifestExpressionProvider
{
    private readonly Lock _gate = new();
    private string? _value;

    public bool Secret { get; } = secret;

    public int GeneratedLength { get; } = generatedLength;

    /// <summary>Where a generated value is kept when the data it protects outlives the run (a data volume).</summary>
    public string? PersistPath { get; set; }

    public string ValueExpression => $"{{{Name}.value}}";

    public string Value
    {
        get
        {
            lock (_gate)
            {
                return _value ??= LoadOrGenerate();
            }
        }
    }

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Value);

    private string LoadOrGenerate()
    {
        if (PersistPath is not null && File.Exists(PersistPath))
        {
            return File.ReadAllText(PersistPath).Trim();
        }

        var value = Generate(GeneratedLength);
        if (PersistPath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(PersistPath)!);
            File.WriteAllText(PersistPath, value);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(PersistPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return value;
    }

    // Alphanumeric only: the value is embedded in connection strings and URIs without escaping.
    internal static string Generate(int length) =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
}
