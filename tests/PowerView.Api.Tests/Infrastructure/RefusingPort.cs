using System.Net;
using System.Net.Sockets;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>
/// A loopback port the test holds without listening: every connection to it is refused, and no other test can
/// bind it meanwhile (the URL of a server that was just stopped can be handed to the next one that starts).
/// </summary>
internal sealed class RefusingPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public RefusingPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}/");
    }

    public Uri Url { get; }

    public void Dispose() => _socket.Dispose();
}
