namespace ClusterCtl.Config;

internal sealed record BastionHost(string Address, int Port, string User, SshCredentials Credentials);
