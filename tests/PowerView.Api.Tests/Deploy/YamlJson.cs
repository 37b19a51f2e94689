using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace PowerView.Api.Tests.Deploy;

/// <summary>
/// A YAML document as the JSON a compose tool validates: anchors, aliases and merge keys (<c>&lt;&lt;: *x</c>) resolved,
/// plain scalars typed by the YAML 1.2 core schema (Compose v2's reader), quoted ones strings. A plain scalar that
/// YAML 1.1 (PyYAML, docker-compose 1.29's reader) would type differently is refused: <c>yes</c>/<c>no</c>/<c>on</c>/<c>off</c>
/// (booleans there) and <c>22:22</c> (a base-60 number there), so that both tools read the same file.
/// </summary>
internal static partial class YamlJson
{
    public static JsonNode? Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, "");
    }

    private static JsonNode? Convert(YamlNode node, string path) => node switch
    {
        YamlMappingNode map => Map(map, path),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select((c, i) => Convert(c, $"{path}[{i}]"))]),
        YamlScalarNode scalar => Scalar(scalar, path),
        _ => throw new FormatException($"{path}: unexpected YAML node {node.NodeType}"),
    };

    private static JsonObject Map(YamlMappingNode map, string path)
    {
        var json = new JsonObject();
        // The merge key (YAML 1.1's <<, read by both tools): the keys of the merged mappings, the first one winning,
        // then the mapping's own keys, which override them.
        foreach (var (key, value) in map.Children.Where(c => IsMerge(c.Key)))
        {
            var merged = value is YamlSequenceNode list ? list.Children : [value];
            foreach (var source in merged.Reverse())
            {
                foreach (var (name, node) in Map((YamlMappingNode)source, path))
                {
                    json[name] = node?.DeepClone();
                }
            }
        }

        foreach (var (key, value) in map.Children.Where(c => !IsMerge(c.Key)))
        {
            var name = ((YamlScalarNode)key).Value ?? "";
            json[name] = Convert(value, path.Length == 0 ? name : $"{path}.{name}");
        }

        return json;
    }

    private static bool IsMerge(YamlNode key) => key is YamlScalarNode { Value: "<<", Style: ScalarStyle.Plain };

    private static JsonValue? Scalar(YamlScalarNode scalar, string path)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        if (Yaml11Only().IsMatch(text))
        {
            throw new FormatException($"{path}: plain '{text}' is read differently by YAML 1.1 (docker-compose 1.29) and YAML 1.2 (Compose v2): quote it");
        }

        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Integer().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (Float().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^([Yy]es|YES|[Nn]o|NO|[Oo]n|ON|[Oo]ff|OFF|[yYnN]|[0-9]+(:[0-5]?[0-9])+)$")]
    private static partial Regex Yaml11Only();

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
