using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ClusterCtl.Cli.Commands;
using ClusterCtl.Restore;

namespace ClusterCtl.Tests.Cli;

/// <summary>The JSON the commands print, as the native build makes it: from generated metadata, enums as camelCase names.</summary>
public class CliJsonTests
{
    [Test]
    public void Every_enum_a_printed_document_holds_is_written_as_a_name()
    {
        // The generator makes one JsonTypeInfo property for every type in the documents' graph, enums included.
        var enums = typeof(CliJsonContext).GetProperties()
            .Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(JsonTypeInfo<>))
            .Select(p => p.PropertyType.GetGenericArguments()[0])
            .Select(t => Nullable.GetUnderlyingType(t) ?? t)
            .Where(t => t.IsEnum)
            .Distinct()
            .ToList();
        var converted = CliJson.Options.Converters
            .Select(c => c.GetType())
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(JsonStringEnumConverter<>))
            .Select(t => t.GetGenericArguments()[0]);

        Assert.That(enums, Is.Not.Empty);
        Assert.That(enums, Is.SubsetOf(converted), "an enum without a converter would be printed as a number");
    }

    [Test]
    public void A_report_enum_is_printed_as_its_camel_case_name()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(RestoreOutcome.DryRun, CliJson.Options);

        Assert.That(json, Is.EqualTo("\"dryRun\""));
    }
}
