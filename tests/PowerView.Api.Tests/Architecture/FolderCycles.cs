namespace PowerView.Api.Tests.Architecture;

/// <summary>Every elementary cycle of a small directed graph, each written once from its smallest node.</summary>
internal static class FolderCycles
{
    public static IReadOnlyList<string> Find(IReadOnlyDictionary<string, HashSet<string>> graph)
    {
        var cycles = new List<string>();
        var nodes = graph.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var start in nodes)
        {
            // Only cycles whose smallest node is `start`: each cycle is found from one place.
            Walk(start, start, [start]);
        }

        return cycles;

        void Walk(string start, string at, List<string> path)
        {
            foreach (var next in graph.GetValueOrDefault(at, []).Order(StringComparer.Ordinal))
            {
                if (next == start)
                {
                    cycles.Add(string.Join(" -> ", path.Append(start)));
                }
                else if (string.CompareOrdinal(next, start) > 0 && !path.Contains(next))
                {
                    path.Add(next);
                    Walk(start, next, path);
                    path.RemoveAt(path.Count - 1);
                }
            }
        }
    }
}
