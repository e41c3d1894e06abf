using System.Diagnostics;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// A trusted ASP.NET Core development certificate while a test runs, as most .NET developers' machines have one
/// (<c>dotnet dev-certs https --trust</c>, then <c>SSL_CERT_DIR</c> as its message says): Aspire 13.6 turns TLS on for
/// Redis where one is trusted, which once made every start hang (issue 29). Made only where the machine has no
/// development certificate, and then removed again; one the machine already had is kept.
/// </summary>
internal sealed class TrustedDevelopmentCertificate : IDisposable
{
    private readonly bool _made;

    private TrustedDevelopmentCertificate(bool made) => _made = made;

    /// <summary>Where OpenSSL finds it trusted (the directory <c>--trust</c> writes), before the system's own.</summary>
    public static string CertificateDirectories =>
        $"{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aspnet", "dev-certs", "trust")}:/usr/lib/ssl/certs";

    public static async Task<TrustedDevelopmentCertificate> EnsureAsync(CancellationToken ct)
    {
        if (await DevCertsAsync(ct, "https", "--check", "--trust") == 0)
        {
            return new TrustedDevelopmentCertificate(made: false);
        }

        // one that exists but is not trusted is trusted now, and kept; only one made here is removed afterwards
        var certificate = new TrustedDevelopmentCertificate(made: await DevCertsAsync(ct, "https", "--check") != 0);
        try
        {
            // on Linux this exits 4, "trusted by some clients but not by others": OpenSSL's need SSL_CERT_DIR
            await DevCertsAsync(ct, "https", "--trust");
            Assert.True(await DevCertsAsync(ct, "https", "--check", "--trust") == 0, "dotnet dev-certs https --trust left no trusted certificate");
            return certificate;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_made)
        {
            DevCertsAsync(CancellationToken.None, "https", "--clean").GetAwaiter().GetResult();
        }
    }

    private static async Task<int> DevCertsAsync(CancellationToken ct, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SSL_CERT_DIR"] = CertificateDirectories;
        start.ArgumentList.Add("dev-certs");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromMinutes(1), ct);
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }
}
