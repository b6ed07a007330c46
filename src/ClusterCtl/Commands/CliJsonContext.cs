using System.Text.Json.Serialization;
using ClusterCtl.Cli.Commands.Config;
using ClusterCtl.Cli.Commands.Etcd;
using ClusterCtl.Etcd;
using ClusterCtl.Restore;
using ClusterCtl.Verify;

namespace ClusterCtl.Cli.Commands;

/// <summary>Every document a command prints with <c>--output json</c>, with its metadata generated at build time.</summary>
[JsonSerializable(typeof(BuildInfo))]
[JsonSerializable(typeof(ConfigSummary))]
[JsonSerializable(typeof(SnapshotSaveReport))]
[JsonSerializable(typeof(IReadOnlyList<SnapshotListEntry>))]
[JsonSerializable(typeof(EtcdMemberReport[]))]
[JsonSerializable(typeof(SnapshotDrillReport))]
[JsonSerializable(typeof(RestoreReport))]
[JsonSerializable(typeof(CleanupReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
