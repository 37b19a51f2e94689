using System.Text;

namespace PowerView.Api.Provisioning;

/// <summary>Flux source built from names we do not control (company folders can hold spaces, quotes, '$', '\').</summary>
internal static class FluxText
{
    /// <summary>
    /// A Flux string literal, quotes included: <c>\</c>, <c>"</c> and the interpolation opener <c>${</c> are escaped
    /// (influxdb.md §1.8), and so are the line breaks and tabs a name should never hold anyway.
    /// </summary>
    public static string Literal(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '"':
                    builder.Append("\\\"");
                    break;
                case '$' when i + 1 < value.Length && value[i + 1] == '{':
                    builder.Append(@"\$");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '\r':
                    builder.Append(@"\r");
                    break;
                case '\t':
                    builder.Append(@"\t");
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
