using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.Utilities;

namespace ClusterCtl.Config.Yaml;

/// <summary>
/// Converts every value to the type it is read into, a step the static deserializer leaves out: it passes values
/// through and lets the property setter fail, at the key. Converting here reports a value of the wrong shape,
/// such as text where a list belongs, at the value itself and with the cause the loader's messages are made from,
/// by the rules YamlDotNet's reflection-based deserializer applied.
/// </summary>
internal sealed class ConvertingValueDeserializer(IValueDeserializer inner) : IValueDeserializer
{
    // YamlDotNet's wording for a value that could not be converted; the loader recognises it and reports the cause.
    private const string ConversionFailed = "Exception during deserialization";

    public object? DeserializeValue(IParser parser, Type expectedType, SerializerState state, IValueDeserializer nestedObjectDeserializer)
    {
        parser.Accept<NodeEvent>(out var node);
        var target = Nullable.GetUnderlyingType(expectedType) ?? expectedType;
        if (node is MappingStart && Type.GetTypeCode(target) != TypeCode.Object)
        {
            return ReadMappingAsScalar(parser, node, target);
        }

        var value = inner.DeserializeValue(parser, expectedType, state, nestedObjectDeserializer);
        if (value is null or IValuePromise || target.IsInstanceOfType(value))
        {
            return value;
        }

        try
        {
            return Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException)
        {
            throw new YamlException(node?.Start ?? Mark.Empty, node?.End ?? Mark.Empty, ConversionFailed, e);
        }
    }

    // The reflection-based deserializer built any type from a mapping and skipped the keys that were not its properties:
    // a mapping where a number or a flag belongs read as 0 or false, and one where text belongs could not be built.
    private static object ReadMappingAsScalar(IParser parser, NodeEvent node, Type target)
    {
        if (!target.IsValueType)
        {
            throw new YamlException(node.Start, node.End, ConversionFailed,
                new InvalidOperationException($"Failed to create an instance of type '{target.FullName}'."));
        }

        parser.Consume<MappingStart>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            parser.Consume<Scalar>();
            parser.SkipThisAndNestedEvents();
        }

        return target == typeof(bool) ? false : Convert.ChangeType(0, target, CultureInfo.InvariantCulture);
    }
}
