using System.Diagnostics;
using System.Net.Sockets;

namespace Platform.EndToEnd.Tests;

/// <summary>The simulated payment provider as a process of its own, outside the AppHost: what a deployment reaches as
/// its real provider (the <c>payment-provider-url</c> and <c>payment-provider-api-key</c> parameters).</summary>
internal sealed class ProviderProcess : IDisposable
{
    private readonly Process _process;

    private ProviderProcess(Process process, Uri address, string apiKey)
    {
        _process = process;
        Address = address;
        ApiKey = apiKey;
    }

    public Uri Address { get; }

    public string ApiKey { get; }

    public static async Task<ProviderProcess> StartAsync(CancellationToken ct)
    {
        var configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Platform.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Platform.slnx not found above the test output.");
        }

        var address = new Uri($"http://127.0.0.1:{FreePort()}");
        var apiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(root.FullName, "Services", "PaymentProvider", "bin", configuration, "net10.0", "PaymentProvider.dll"));
        start.Environment["ASPNETCORE_URLS"] = address.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Provider__ApiKey"] = apiKey;
        var provider = new ProviderProcess(Process.Start(start)!, address, apiKey);
        provider._process.OutputDataReceived += (_, _) => { };
        provider._process.ErrorDataReceived += (_, _) => { };
        provider._process.BeginOutputReadLine();
        provider._process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = address };
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var health = await client.GetAsync("/health", patience.Token);
                if (health.IsSuccessStatusCode)
                {
                    return provider;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200, patience.Token);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
