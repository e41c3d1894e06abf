using System.Net;
using System.Net.Sockets;

namespace Platform.Hosting.Orchestration;

internal static class PortAllocator
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback port that is free now; never the same one twice in this process.</summary>
    public static int GetFreePort()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
