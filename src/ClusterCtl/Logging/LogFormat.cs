namespace ClusterCtl.Cli.Logging;

internal enum LogFormat
{
    Text,
    Json,
}
