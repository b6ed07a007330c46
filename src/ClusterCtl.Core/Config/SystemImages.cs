namespace ClusterCtl.Config;

internal sealed record SystemImages(string Etcd, string Alpine, string CertDownloader)
{
    // Used only when cluster.yml names none; real RKE configs always carry system_images after the first `rke up`.
    public const string DefaultEtcd = "rancher/mirrored-coreos-etcd:v3.5.10";
    public const string DefaultAlpine = "rancher/rke-tools:v0.1.96";
}
