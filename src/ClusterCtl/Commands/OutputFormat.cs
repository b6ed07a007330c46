namespace ClusterCtl.Cli.Commands;

internal enum OutputFormat
{
    Table,
    Json,
}
