using System.Globalization;
using System.Text;

namespace ClusterCtl.Bench;

/// <summary>
/// Objects shaped like what a Kubernetes cluster keeps in etcd, under the keys the apiserver uses
/// (/registry/pods/&lt;ns&gt;/&lt;name&gt;, ...): pods with managed fields and statuses, configmaps holding config
/// files, secrets holding certificates and tokens (base64 of random bytes, which barely compresses), and many
/// small repetitive events. Deterministic for a seed, so every run loads the same data.
/// </summary>
internal sealed class KubeObjects(int seed)
{
    private static readonly string[] Namespaces = ["default", "kube-system", "monitoring", "ingress-nginx", "payments", "checkout", "search", "cattle-system"];
    private static readonly string[] Apps = ["api", "web", "worker", "cache", "gateway", "indexer", "scheduler", "exporter", "frontend", "billing"];
    private static readonly string[] Images = ["registry.example.com/team/api", "docker.io/library/nginx", "quay.io/prometheus/node-exporter", "registry.example.com/team/worker"];
    private static readonly string[] Reasons = ["Scheduled", "Pulled", "Created", "Started", "Killing", "BackOff", "Unhealthy", "SuccessfulCreate"];
    private static readonly string[] ConfigWords = ["enabled", "timeout", "retries", "endpoint", "buffer", "level", "format", "listen", "upstream", "cache", "ttl", "path"];

    private readonly Random _random = new(seed);
    private long _serial;
    private string _namespace = "";
    private string _name = "";

    /// <summary>The next object, by count about 30 % pods, 15 % configmaps, 10 % secrets and 45 % events.</summary>
    public KeyValuePair<string, byte[]> Next()
    {
        _serial++;
        var roll = _random.Next(100);
        var (resource, json) = roll switch
        {
            < 30 => ("pods", Pod()),
            < 45 => ("configmaps", ConfigMap()),
            < 55 => ("secrets", Secret()),
            _ => ("events", Event()),
        };
        return new($"/registry/{resource}/{_namespace}/{_name}", Encoding.UTF8.GetBytes(json));
    }

    private void NewIdentity(string prefix)
    {
        _namespace = Namespaces[_random.Next(Namespaces.Length)];
        _name = $"{prefix}-{Hex(5)}-{_serial.ToString(CultureInfo.InvariantCulture)}";
    }

    private string Pod()
    {
        var app = Apps[_random.Next(Apps.Length)];
        NewIdentity($"{app}-{Hex(10)}");
        var b = Metadata("Pod", app);
        b.Append(",\"spec\":{\"containers\":[");
        var containers = _random.Next(1, 4);
        for (var c = 0; c < containers; c++)
        {
            b.Append(c > 0 ? "," : "").Append("{\"name\":\"").Append(c == 0 ? app : "sidecar-" + c).Append("\",\"image\":\"")
                .Append(Images[_random.Next(Images.Length)]).Append(":v1.").Append(_random.Next(30)).Append('.').Append(_random.Next(10))
                .Append("\",\"env\":[");
            var env = _random.Next(3, 12);
            for (var e = 0; e < env; e++)
            {
                b.Append(e > 0 ? "," : "").Append("{\"name\":\"").Append(ConfigWords[_random.Next(ConfigWords.Length)].ToUpperInvariant()).Append('_').Append(e)
                    .Append("\",\"value\":\"").Append(_random.Next(2) == 0 ? Hex(8) : ConfigWords[_random.Next(ConfigWords.Length)]).Append("\"}");
            }

            b.Append("],\"resources\":{\"limits\":{\"cpu\":\"").Append(_random.Next(1, 4)).Append("\",\"memory\":\"").Append(_random.Next(1, 8) * 256)
                .Append("Mi\"},\"requests\":{\"cpu\":\"").Append(_random.Next(1, 9) * 100).Append("m\",\"memory\":\"128Mi\"}},")
                .Append("\"volumeMounts\":[{\"name\":\"kube-api-access-").Append(Hex(5)).Append("\",\"readOnly\":true,\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}],")
                .Append("\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\",\"imagePullPolicy\":\"IfNotPresent\"}");
        }

        b.Append("],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\",\"serviceAccountName\":\"default\",\"nodeName\":\"worker-")
            .Append(_random.Next(1, 40)).Append("\",\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]},")
            .Append("\"status\":{\"phase\":\"Running\",\"conditions\":[");
        string[] conditions = ["Initialized", "Ready", "ContainersReady", "PodScheduled"];
        for (var c = 0; c < conditions.Length; c++)
        {
            b.Append(c > 0 ? "," : "").Append("{\"type\":\"").Append(conditions[c]).Append("\",\"status\":\"True\",\"lastProbeTime\":null,\"lastTransitionTime\":\"").Append(Timestamp()).Append("\"}");
        }

        b.Append("],\"hostIP\":\"10.0.").Append(_random.Next(256)).Append('.').Append(_random.Next(256))
            .Append("\",\"podIP\":\"10.42.").Append(_random.Next(256)).Append('.').Append(_random.Next(256))
            .Append("\",\"startTime\":\"").Append(Timestamp()).Append("\",\"containerStatuses\":[{\"name\":\"").Append(app)
            .Append("\",\"ready\":true,\"restartCount\":").Append(_random.Next(3)).Append(",\"imageID\":\"sha256:").Append(Hex(64))
            .Append("\",\"containerID\":\"containerd://").Append(Hex(64)).Append("\",\"started\":true}],\"qosClass\":\"Burstable\"}}");
        return b.ToString();
    }

    private string ConfigMap()
    {
        NewIdentity(Apps[_random.Next(Apps.Length)] + "-config");
        var b = Metadata("ConfigMap", "config");
        b.Append(",\"data\":{\"config.yaml\":\"");
        var lines = _random.Next(40, 700);
        for (var l = 0; l < lines; l++)
        {
            b.Append(' ', 2 * _random.Next(4)).Append(ConfigWords[_random.Next(ConfigWords.Length)]).Append('_').Append(ConfigWords[_random.Next(ConfigWords.Length)])
                .Append(": ").Append(_random.Next(3) switch { 0 => _random.Next(100000).ToString(CultureInfo.InvariantCulture), 1 => "\\\"" + Hex(12) + "\\\"", _ => "true" })
                .Append("\\n");
        }

        return b.Append("\"}}").ToString();
    }

    private string Secret()
    {
        NewIdentity(_random.Next(2) == 0 ? "tls" : "token");
        var b = Metadata("Secret", "secret");
        var certificate = new byte[_random.Next(900, 1800)];
        _random.NextBytes(certificate);
        var pem = "-----BEGIN CERTIFICATE-----\n" + Convert.ToBase64String(certificate, Base64FormattingOptions.InsertLineBreaks) + "\n-----END CERTIFICATE-----\n";
        var key = new byte[_random.Next(32, 64)];
        _random.NextBytes(key);
        return b.Append(",\"type\":\"kubernetes.io/tls\",\"data\":{\"tls.crt\":\"").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(pem)))
            .Append("\",\"tls.key\":\"").Append(Convert.ToBase64String(key)).Append("\"}}").ToString();
    }

    private string Event()
    {
        var app = Apps[_random.Next(Apps.Length)];
        NewIdentity($"{app}-{Hex(10)}-{Hex(5)}.{Hex(16)}");
        var reason = Reasons[_random.Next(Reasons.Length)];
        var b = Metadata("Event", app);
        return b.Append(",\"involvedObject\":{\"kind\":\"Pod\",\"namespace\":\"").Append(_namespace).Append("\",\"name\":\"").Append(app).Append('-').Append(Hex(5))
            .Append("\",\"uid\":\"").Append(Uid()).Append("\",\"apiVersion\":\"v1\",\"resourceVersion\":\"").Append(_random.Next(1, 99999999))
            .Append("\",\"fieldPath\":\"spec.containers{").Append(app).Append("}\"},\"reason\":\"").Append(reason)
            .Append("\",\"message\":\"").Append(reason).Append(" container ").Append(app).Append(" on worker-").Append(_random.Next(1, 40))
            .Append("\",\"source\":{\"component\":\"kubelet\",\"host\":\"worker-").Append(_random.Next(1, 40)).Append("\"},\"firstTimestamp\":\"").Append(Timestamp())
            .Append("\",\"lastTimestamp\":\"").Append(Timestamp()).Append("\",\"count\":").Append(_random.Next(1, 20)).Append(",\"type\":\"Normal\"}").ToString();
    }

    private StringBuilder Metadata(string kind, string app) =>
        new StringBuilder(4096).Append("{\"kind\":\"").Append(kind).Append("\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"").Append(_name)
            .Append("\",\"namespace\":\"").Append(_namespace).Append("\",\"uid\":\"").Append(Uid()).Append("\",\"creationTimestamp\":\"").Append(Timestamp())
            .Append("\",\"labels\":{\"app.kubernetes.io/name\":\"").Append(app).Append("\",\"pod-template-hash\":\"").Append(Hex(10))
            .Append("\"},\"managedFields\":[{\"manager\":\"kube-controller-manager\",\"operation\":\"Update\",\"apiVersion\":\"v1\",\"time\":\"").Append(Timestamp())
            .Append("\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app.kubernetes.io/name\":{}}}}}]}");

    private string Uid() => new Guid(Bytes(16)).ToString();

    private string Hex(int length) => Convert.ToHexStringLower(Bytes((length + 1) / 2))[..length];

    private string Timestamp() => new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(_random.Next(0, 20 * 86400)).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }
}
