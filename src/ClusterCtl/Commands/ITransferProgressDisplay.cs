using ClusterCtl.Etcd;

namespace ClusterCtl.Cli.Commands;

/// <summary>
/// Shows long transfers to whoever runs the command. Dispose it before writing command output:
/// a live display on stderr and a table on stdout share the same terminal.
/// </summary>
internal interface ITransferProgressDisplay : IProgress<TransferProgress>, IAsyncDisposable;
