using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PowerView.Api.Hosting.Json;

/// <summary>
/// The camelCase name an enum value has in JSON, in query strings and in stored rows (<c>RunStatus.Success</c> is
/// <c>success</c>): one table per enum, so parsing never accepts a number or a name the API does not show.
/// </summary>
internal static class WireName<T>
    where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => JsonNamingPolicy.CamelCase.ConvertName(v.ToString()));

    private static readonly FrozenDictionary<string, T> Values =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<T>().Select(v => Names[v])];

    public static string Of(T value) => Names[value];

    public static bool TryParse(string? name, out T value) => Values.TryGetValue(name ?? "", out value);
}

/// <summary>Serialises an enum as its <see cref="WireName{T}"/> (and refuses numbers), for JSON and the OpenAPI document.</summary>
internal sealed class WireNameConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where T : struct, Enum;
