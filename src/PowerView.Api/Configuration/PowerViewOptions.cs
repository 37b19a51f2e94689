namespace PowerView.Api.Configuration;

/// <summary>Section <c>PowerView</c>: where the data is, where state goes, and the shared secrets.</summary>
internal sealed class PowerViewOptions
{
    public const string SectionName = "PowerView";

    /// <summary>SFTPGo data root: <c>&lt;DataRoot&gt;/&lt;company&gt;/&lt;campaign&gt;/&lt;device&gt;/&lt;file&gt;.tsv</c>. Relative paths start at the content root.</summary>
    public string DataRoot { get; set; } = "var/data";

    /// <summary>Run reports, the run store and the line-protocol sink.</summary>
    public string StateDir { get; set; } = "var/state";

    /// <summary>Secret SFTPGo presents on every hook call (Bearer, or Basic password).</summary>
    public string HookSecret { get; set; } = "";

    /// <summary>Bearer key that reads every monitoring endpoint.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>Bearer key that reads <c>/metrics</c> and nothing else (for a Prometheus scraper); optional.</summary>
    public string MetricsKey { get; set; } = "";

    /// <summary>Bearer keys that only see one company: <c>CompanyKeys:&lt;company&gt; = key</c>.</summary>
    public Dictionary<string, string> CompanyKeys { get; set; } = [];
}
