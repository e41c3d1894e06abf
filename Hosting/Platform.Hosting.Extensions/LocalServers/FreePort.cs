using System.Net;
using System.Net.Sockets;

namespace Platform.Hosting.LocalServers;

internal static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>A loopback port that is free now, never handed out twice by this process.</summary>
    public static int Next()
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
