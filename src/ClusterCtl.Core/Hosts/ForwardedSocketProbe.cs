using System.Net.Sockets;
using System.Text;

namespace ClusterCtl.Hosts;

/// <summary>
/// Proves a forward end to end. ssh accepts on the local socket before sshd has even tried the
/// remote one, so a connect alone proves nothing; we send Docker's own first request (GET /_ping,
/// harmless) and wait for any byte back, or for ssh to close the connection.
/// </summary>
internal static class ForwardedSocketProbe
{
    private static readonly byte[] Ping = Encoding.ASCII.GetBytes("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n");

    public static async Task<ForwardProbeResult> ProbeAsync(string socketPath, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch (SocketException)
        {
            return ForwardProbeResult.NotListening;
        }

        try
        {
            await socket.SendAsync(Ping, SocketFlags.None, cancellationToken);
            var buffer = new byte[64];
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            return received > 0 ? ForwardProbeResult.Answered : ForwardProbeResult.ClosedWithoutAnswer;
        }
        catch (SocketException)
        {
            // Reset or broken pipe: ssh dropped the connection because the channel was refused.
            return ForwardProbeResult.ClosedWithoutAnswer;
        }
    }
}
