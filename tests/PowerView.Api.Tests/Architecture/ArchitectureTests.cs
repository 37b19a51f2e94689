using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Loader;
using ArchUnitNET.xUnitV3;
using PowerView.Api.Runs;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace PowerView.Api.Tests.Architecture;

/// <summary>
/// The folders of <c>src/PowerView.Api</c> (docs/architecture.md): shared folders that every feature may use and that
/// use no feature, and feature folders whose dependencies go one way. A feature's public surface is its root
/// namespace and its <c>Contracts</c>; everything in its other sub-namespaces is its own business.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "PowerView.Api";

    /// <summary>Used by the features; depend on no feature.</summary>
    private static readonly string[] SharedFolders = ["Configuration", "Hosting"];

    /// <summary>Vertical slices, each with its own options, registration and routes.</summary>
    private static readonly string[] FeatureFolders = ["Runs", "Ingestion", "Provisioning", "Jobs", "Webhooks", "Cli"];

    public static TheoryData<string> Shared => [.. SharedFolders];

    public static TheoryData<string> Features => [.. FeatureFolders];

    private static readonly ArchUnitNET.Domain.Architecture Service =
        new ArchLoader().LoadAssemblies(typeof(RunRecord).Assembly).Build();

    private static IEnumerable<string> AllFolders => SharedFolders.Concat(FeatureFolders);

    [Fact]
    public void EveryTypeLivesInAKnownSharedOrFeatureFolder()
    {
        var known = AllFolders.ToHashSet(StringComparer.Ordinal);
        var stray = Service.Types
            .Where(t => t.Namespace.FullName.StartsWith(Root + ".", StringComparison.Ordinal))
            .Select(t => t.Namespace.FullName[(Root.Length + 1)..].Split('.')[0])
            .Where(folder => !known.Contains(folder))
            .Distinct()
            .ToList();

        // A new folder is a decision: add it to Shared or Features (and to docs/architecture.md).
        Assert.Empty(stray);
    }

    [Fact]
    public void NoDependencyCycleBetweenFoldersOfAnyLength()
    {
        var graph = FolderGraph();

        Assert.Empty(FolderCycles.Find(graph));
        // The check is not vacuous: the folders do depend on each other, one way.
        Assert.Contains("Runs", graph["Ingestion"]);
        Assert.Contains("Hosting", graph["Runs"]);
    }

    [Fact]
    public void TheCycleCheckFindsCyclesOfEveryLength()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"], ["B"] = ["C"], ["C"] = ["A"], ["D"] = ["D", "A"], ["E"] = ["F"], ["F"] = [],
        };

        var cycles = FolderCycles.Find(graph);

        Assert.Equal(["A -> B -> C -> A", "D -> D"], cycles.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Shared))]
    public void ASharedFolderUsesNoFeature(string shared)
    {
        NoneDependsOn($"{Root}.{shared}", FeatureFolders).Check(Service);
    }

    [Fact]
    public void ConfigurationUsesNothingElseOfTheService()
    {
        Types().That().ResideInNamespaceOrBelow($"{Root}.Configuration")
            .Should().NotDependOnAny(Types().That().ResideInNamespaceOrBelow($"{Root}.Hosting"))
            .Check(Service);
    }

    [Fact]
    public void TheRunHistoryDependsOnNoOtherFeature()
    {
        NoneDependsOn($"{Root}.Runs", FeatureFolders.Where(f => f != "Runs")).Check(Service);
    }

    [Theory]
    [MemberData(nameof(Features))]
    public void NoFeatureReachesIntoAnothersInternals(string feature)
    {
        var internals = Types().That().ResideInNamespaceMatching($@"^{Root}\.{feature}\..+$")
            .And().DoNotResideInNamespace($"{Root}.{feature}.Contracts");

        Types().That().DoNotResideInNamespaceOrBelow($"{Root}.{feature}").And().ResideInNamespaceOrBelow(Root)
            .Should().NotDependOnAny(internals)
            .Check(Service);
    }

    /// <summary>Folder → the other folders its types use (ArchUnitNET reads the dependencies from the compiled service).</summary>
    private static Dictionary<string, HashSet<string>> FolderGraph()
    {
        var graph = AllFolders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var type in Service.Types)
        {
            if (Folder(type) is not { } from)
            {
                continue;
            }

            // A generic parameter is no dependency; ArchUnitNET 0.13 also mixes up same-named generic methods of
            // different generated JSON contexts, which shows up as a parameter "declared" in another folder.
            foreach (var dependency in type.Dependencies.Where(d => d.Target is not GenericParameter))
            {
                if (Folder(dependency.Target) is { } to && to != from)
                {
                    graph[from].Add(to);
                }
            }
        }

        return graph;
    }

    private static string? Folder(IType type) =>
        type.Namespace.FullName.StartsWith(Root + ".", StringComparison.Ordinal)
            ? type.Namespace.FullName[(Root.Length + 1)..].Split('.')[0]
            : null;

    /// <summary>Types in <paramref name="from"/> (and below) use nothing of the given folders.</summary>
    private static IArchRule NoneDependsOn(string from, IEnumerable<string> folders) =>
        folders.Select(folder => (IArchRule)Types().That().ResideInNamespaceOrBelow(from)
                .Should().NotDependOnAny(Types().That().ResideInNamespaceOrBelow($"{Root}.{folder}")))
            .Aggregate((a, b) => a.And(b));
}
