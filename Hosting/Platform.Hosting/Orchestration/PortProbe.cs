using System.Net.Sockets;
using Platform.Hosting.ApplicationModel;

namespace Platform.Hosting.Orchestration;

internal static class PortProbe
{
    public static async Task WaitUntilOpenAsync(int port, Task exited, CancellationToken cancellationToken)
    {
        while (!exited.IsCompleted)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(LocalHost.Address, port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"The process exited before port {port} opened.");
    }
}
