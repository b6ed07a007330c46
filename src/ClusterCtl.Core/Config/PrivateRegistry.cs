namespace ClusterCtl.Config;

internal sealed record PrivateRegistry(string Url, string? User, string? Password, bool IsDefault)
{
    public override string ToString() => $"PrivateRegistry {{ Url = {Url}, User = {User}, Password = [redacted] }}";
}
