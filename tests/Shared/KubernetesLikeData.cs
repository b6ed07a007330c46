using System.Text;

namespace ClusterCtl.Testing;

/// <summary>
/// Bytes that compress like an etcd db of a Kubernetes cluster: JSON objects with repeated keys and
/// varying names, uids and timestamps, in 4 KiB pages with some slack, as bbolt lays them out.
/// </summary>
internal static class KubernetesLikeData
{
    private static readonly string[] Kinds = ["ConfigMap", "Secret", "Pod", "Service", "Endpoints", "Event", "Lease"];

    public static void Fill(Span<byte> destination, int seed)
    {
        var random = new Random(seed);
        var page = new byte[4096];
        var builder = new StringBuilder();
        for (var offset = 0; offset < destination.Length; offset += page.Length)
        {
            page.AsSpan().Clear();
            builder.Clear();
            var fill = random.Next(2800, 4000);
            while (builder.Length < fill)
            {
                var kind = Kinds[random.Next(Kinds.Length)];
                var name = $"{kind.ToLowerInvariant()}-{random.Next(100000):x5}";
                builder.Append("{\"apiVersion\":\"v1\",\"kind\":\"").Append(kind)
                    .Append("\",\"metadata\":{\"name\":\"").Append(name)
                    .Append("\",\"namespace\":\"kube-system\",\"uid\":\"").Append(new Guid(random.NextBytes(16)))
                    .Append("\",\"resourceVersion\":\"").Append(random.Next(1, 99999999))
                    .Append("\",\"creationTimestamp\":\"2026-11-").Append(random.Next(10, 29)).Append("T10:").Append(random.Next(10, 59)).Append(":00Z\"")
                    .Append(",\"labels\":{\"app.kubernetes.io/name\":\"").Append(name).Append("\"}},\"data\":{\"token\":\"")
                    .Append(Convert.ToBase64String(random.NextBytes(random.Next(8, 48)))).Append("\"}}");
            }

            Encoding.UTF8.GetBytes(builder.ToString().AsSpan(0, Math.Min(builder.Length, fill)), page);
            page.AsSpan(0, Math.Min(page.Length, destination.Length - offset)).CopyTo(destination[offset..]);
        }
    }

    private static byte[] NextBytes(this Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
