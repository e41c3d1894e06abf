using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Platform.Hosting.LocalServers;

internal static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    /// <summary>Ports claimed from other processes, held until this one exits (the kernel then drops the locks).</summary>
    private static readonly List<FileStream> Claims = [];

    /// <summary>
    /// A loopback port that is free now, never handed out twice by this process nor by another one doing the same, and
    /// below the kernel's ephemeral range: the port is pinned seconds before the server binds it, and a port from the
    /// ephemeral range (what binding port 0 gives) can be taken in between by any outgoing connection; a server that
    /// then cannot bind exits, and nothing restarts it (seen: Redis gone, every service waiting for it). Two AppHosts
    /// starting at once (two test lanes) could pick the same free port; each claims its ports with a lock file
    /// (<c>$TMPDIR/platform-ports/{port}</c>, an advisory lock held for the process's life), which also keeps a port
    /// whose server a test stopped from being taken by another process before it starts again.
    /// </summary>
    public static int Next()
    {
        lock (Handed)
        {
            var (low, _) = EphemeralRange();
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Math.Max(1024, low - 12000), low);
                if (!Handed.Contains(port) && IsFree(port) && TryClaim(port))
                {
                    Handed.Add(port);
                    return port;
                }
            }

            throw new InvalidOperationException($"No free loopback port below {low} after 200 tries.");
        }
    }

    private static bool TryClaim(int port)
    {
        try
        {
            var directory = Path.Combine(Path.GetTempPath(), "platform-ports");
            Directory.CreateDirectory(directory);
            // FileShare.None is an exclusive advisory lock (flock) on Unix: another process's open fails while it is held
            Claims.Add(new FileStream(Path.Combine(directory, port.ToString(CultureInfo.InvariantCulture)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return true; // no shared directory to claim in: the bind check alone, as before
        }
        catch (IOException)
        {
            return false; // claimed by another process
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Linux's <c>net.ipv4.ip_local_port_range</c>; elsewhere the IANA dynamic range.</summary>
    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (49152, 65535);
        }
    }
}
