namespace PowerView.Api.Tests.Infrastructure;

/// <summary>A fresh folder per test (data root and state folder inside), deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "powerview-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataRoot);
        Directory.CreateDirectory(StateDir);
    }

    public string Root { get; }

    public string DataRoot => Path.Combine(Root, "data");

    public string StateDir => Path.Combine(Root, "state");

    /// <summary>Copies a sample (path under TestData/samples) to &lt;DataRoot&gt;/company/campaign/device/ and returns its path.</summary>
    public string PlaceSample(string sample, string company = "acme", string campaign = "site1", string device = "02000800", string? name = null)
    {
        var folder = Path.Combine(DataRoot, company, campaign, device);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name ?? Path.GetFileName(sample));
        File.Copy(Samples.Path(sample), target);
        return target;
    }

    /// <summary>Writes a file with the given content under &lt;DataRoot&gt;/company/campaign/device/.</summary>
    public string PlaceFile(string content, string name = "T302_test.tsv", string company = "acme", string campaign = "site1", string device = "02000800")
    {
        var folder = Path.Combine(DataRoot, company, campaign, device);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name);
        File.WriteAllText(target, content);
        return target;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process still holding a file: the OS temp cleaner will get it.
        }
    }
}
