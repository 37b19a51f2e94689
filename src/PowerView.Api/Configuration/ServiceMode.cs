namespace PowerView.Api.Configuration;

/// <summary>Whether the process serves HTTP or runs one CLI verb (same configuration, same pipeline).</summary>
internal sealed class ServiceMode
{
    public static readonly ServiceMode Web = new("web");
    public static readonly ServiceMode Cli = new("cli");

    private ServiceMode(string name) => Name = name;

    public string Name { get; }

    public override string ToString() => Name;
}
