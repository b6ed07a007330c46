using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClusterCtl.Bench;

/// <summary>
/// etcd's JSON gateway (/v3/...) on one member, over TLS with the node's own certificate: enough to load data,
/// read the db size and count keys without one process per request.
/// </summary>
internal sealed class EtcdGateway : IDisposable
{
    private readonly HttpClient _http;

    public EtcdGateway(string address, string caFile, string certificateFile, string keyFile)
    {
        var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
        handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(certificateFile, keyFile)];
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        _http = new HttpClient(handler) { BaseAddress = new Uri($"https://{address}:2379/"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public static EtcdGateway ForNode(Testbed testbed, int node)
    {
        var address = testbed.NodeAddress(node);
        var certs = Path.Combine(testbed.Directory, "ca");
        var dashed = address.Replace('.', '-');
        return new EtcdGateway(address, Path.Combine(certs, "kube-ca.pem"),
            Path.Combine(certs, "etcd", $"kube-etcd-{dashed}.pem"), Path.Combine(certs, "etcd", $"kube-etcd-{dashed}-key.pem"));
    }

    /// <summary>The member's db size in bytes, as etcd reports it (what a snapshot of it will roughly weigh).</summary>
    public async Task<long> DbSizeAsync(CancellationToken cancellationToken)
    {
        var status = await PostAsync("v3/maintenance/status", new JsonObject(), cancellationToken);
        return Int64(status, "dbSize", "db_size");
    }

    /// <summary>Writes all pairs in one transaction (etcd's default limit is 128 operations and 1.5 MiB).</summary>
    public async Task PutAllAsync(IReadOnlyList<KeyValuePair<string, byte[]>> pairs, CancellationToken cancellationToken)
    {
        var success = new JsonArray();
        foreach (var (key, value) in pairs)
        {
            success.Add(new JsonObject { ["request_put"] = new JsonObject { ["key"] = Base64(key), ["value"] = Convert.ToBase64String(value) } });
        }

        await PostAsync("v3/kv/txn", new JsonObject { ["success"] = success }, cancellationToken);
    }

    public Task PutAsync(string key, string value, CancellationToken cancellationToken) =>
        PutAllAsync([new(key, Encoding.UTF8.GetBytes(value))], cancellationToken);

    /// <summary>How many keys start with the prefix, read from this member alone (serializable).</summary>
    public async Task<long> CountAsync(string prefix, CancellationToken cancellationToken)
    {
        var end = Encoding.UTF8.GetBytes(prefix);
        end[^1]++;
        var response = await PostAsync("v3/kv/range", new JsonObject
        {
            ["key"] = Base64(prefix),
            ["range_end"] = Convert.ToBase64String(end),
            ["count_only"] = true,
            ["serializable"] = true,
        }, cancellationToken);
        return Int64(response, "count");
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonObject> PostAsync(string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchException($"etcd {_http.BaseAddress}{path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text)?.AsObject() ?? throw new BenchException($"etcd {_http.BaseAddress}{path} answered no JSON");
    }

    // int64 fields arrive as strings; a zero count is left out altogether.
    private static long Int64(JsonObject json, params string[] names) =>
        names.Select(n => json[n]).FirstOrDefault(v => v is not null) is { } value
            ? value.GetValueKind() == JsonValueKind.String ? long.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture) : value.GetValue<long>()
            : 0;

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
