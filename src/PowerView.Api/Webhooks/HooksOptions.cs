using Microsoft.Extensions.Options;

namespace PowerView.Api.Webhooks;

/// <summary>
/// Section <c>Hooks</c>: how a path in an SFTPGo event becomes a path under <c>PowerView:DataRoot</c> when
/// SFTPGo sees the data under another root (another container, another mount point).
/// </summary>
internal sealed class HooksOptions
{
    public const string SectionName = "Hooks";

    /// <summary>SFTPGo's absolute path of the data root (e.g. <c>/srv/sftpgo/data</c>). Empty: SFTPGo and this
    /// service see the same paths.</summary>
    public string SftpGoDataRoot { get; set; } = "";

    /// <summary>Ignore <c>path</c> and use <c>&lt;DataRoot&gt;/&lt;username&gt;&lt;virtual_path&gt;</c> (SFTPGo's default
    /// layout: one user per company, home = users_base_dir/username).</summary>
    public bool UseVirtualPath { get; set; }
}

internal sealed class HooksOptionsValidation : IValidateOptions<HooksOptions>
{
    public ValidateOptionsResult Validate(string? name, HooksOptions o)
    {
        if (o.SftpGoDataRoot.Length == 0)
        {
            return ValidateOptionsResult.Success;
        }

        if (o.UseVirtualPath)
        {
            return ValidateOptionsResult.Fail("Hooks:SftpGoDataRoot and Hooks:UseVirtualPath exclude each other: set one");
        }

        return o.SftpGoDataRoot.StartsWith('/') && !o.SftpGoDataRoot.Contains("/../", StringComparison.Ordinal) && !o.SftpGoDataRoot.EndsWith("/..", StringComparison.Ordinal)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Hooks:SftpGoDataRoot must be an absolute path as SFTPGo sees it, like /srv/sftpgo/data (got '{o.SftpGoDataRoot}')");
    }
}
