using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterCtl.IntegrationTests.Storage;

/// <summary>An S3 stand-in on loopback that rejects every request the way S3 rejects a wrong secret key.</summary>
internal sealed class SignatureRejectingStore : IAsyncDisposable
{
    private const string Body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code>" +
        "<Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message></Error>";

    private readonly HttpListener _listener;
    private readonly Task _serving;

    private SignatureRejectingStore(HttpListener listener, string endpoint)
    {
        _listener = listener;
        Endpoint = endpoint;
        _serving = ServeAsync();
    }

    public string Endpoint { get; }

    public static Task<SignatureRejectingStore> StartAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var endpoint = $"http://127.0.0.1:{port}";
        var listener = new HttpListener();
        listener.Prefixes.Add(endpoint + "/");
        listener.Start();
        return Task.FromResult(new SignatureRejectingStore(listener, endpoint));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving;
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                context.Response.StatusCode = 403;
                context.Response.ContentType = "application/xml";
                var body = Encoding.UTF8.GetBytes(Body);
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopped.
        }
    }
}
