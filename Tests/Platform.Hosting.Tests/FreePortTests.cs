using System.Globalization;
using Platform.Hosting.LocalServers;

namespace Platform.Hosting.Tests;

public sealed class FreePortTests
{
    [Fact]
    public void Server_ports_come_from_below_the_ephemeral_range_that_outgoing_connections_use_and_never_twice()
    {
        var low = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture);
        var ports = Enumerable.Range(0, 50).Select(_ => FreePort.Next()).ToList();

        Assert.All(ports, port => Assert.InRange(port, 1024, low - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
