using System.Text.RegularExpressions;

namespace ClusterCtl.Tests.Cli;

/// <summary>
/// The CLI makes one logger from the global flags and hands it to whatever logs. A write through Serilog's static
/// <c>Log</c> would skip that logger's level, format and flush at exit, so none is left in the product's code.
/// </summary>
public partial class NoStaticLoggerTests
{
    [Test]
    public void No_source_file_uses_the_static_Serilog_logger()
    {
        var offenders = new[] { "src", "bench" }
            .SelectMany(RepositorySources.CSharpFiles)
            .Where(f => StaticLoggerUse().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepositorySources.Root(), f))
            .ToList();

        Assert.That(RepositorySources.CSharpFiles("src").Count(), Is.GreaterThan(100), "the sources were found");
        Assert.That(offenders, Is.Empty);
    }

    // Qualified calls, the static setter and flush, and a 'using static' that would make bare calls static again.
    [GeneratedRegex(@"\bSerilog\.Log\.|\bLog\.(Logger\s*=|CloseAndFlush)|using\s+static\s+Serilog\.Log\s*;", RegexOptions.CultureInvariant)]
    private static partial Regex StaticLoggerUse();
}
