using YamlDotNet.Core;

namespace ClusterCtl.Config;

/// <summary>An invalid cluster.yml: names the file, the line and column, and what was expected.</summary>
internal sealed class ConfigException : ClusterCtlException
{
    public ConfigException(string file, Mark? position, string message, Exception? innerException = null)
        : base(Format(file, position, message), ExitCodes.InvalidInput, innerException)
    {
        File = file;
        Line = position?.Line;
        Column = position?.Column;
    }

    public string File { get; }
    public long? Line { get; }
    public long? Column { get; }

    private static string Format(string file, Mark? position, string message) =>
        position is { } p ? $"{file}:{p.Line}:{p.Column}: {message}" : $"{file}: {message}";
}
