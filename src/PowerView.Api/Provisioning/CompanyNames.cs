using System.Security.Cryptography;
using System.Text;

namespace PowerView.Api.Provisioning;

/// <summary>
/// Every name and uid provisioned for one company, derived from its folder name alone so that any process,
/// any rerun, finds the same objects. Grafana uids are at most 40 characters of <c>[a-z0-9-]</c> starting
/// with a letter (grafana.md §1.3): <c>pv-&lt;slug&gt;-&lt;hash&gt;</c>, where the slug keeps the name readable and
/// the hash (10 hex digits of SHA-256 of the exact name) keeps names that slug alike apart (<c>Acme</c>,
/// <c>acme</c>, <c>ac me</c>).
/// </summary>
internal sealed record CompanyNames
{
    public const int MaxSlugLength = 16;
    public const string TokenDescriptionPrefix = "powerview_token_for_bucket_";

    public static readonly string[] Levels = ["1h", "1d", "1w"];

    private CompanyNames(string company, string uidBase)
    {
        Company = company;
        UidBase = uidBase;
    }

    /// <summary>The folder name: the InfluxDB bucket, the Grafana organization, team and folder title.</summary>
    public string Company { get; }

    /// <summary><c>pv-&lt;slug&gt;-&lt;hash&gt;</c>, at most 30 characters; the folder uid and the stem of the others.</summary>
    public string UidBase { get; }

    public string FolderUid => UidBase;

    public string InfluxDatasourceUid => UidBase + "-influx";

    public string InfluxDatasourceName => "influxdb_" + Company;

    public string ApiDatasourceUid => UidBase + "-api";

    public string ApiDatasourceName => "powerview_api_" + Company;

    public string OverviewDashboardUid => UidBase + "-overview";

    public string UploadsDashboardUid => UidBase + "-uploads";

    public string TokenDescription => TokenDescriptionPrefix + Company;

    public string Bucket => Company;

    public static string DownsampledBucket(string company, string level) => company + "_" + level;

    public IReadOnlyList<string> AllBuckets => [Bucket, .. Levels.Select(l => DownsampledBucket(Company, l))];

    public static string TaskName(string company, string level) => $"downsample_{company}_{level}";

    public static CompanyNames For(string company)
    {
        ArgumentException.ThrowIfNullOrEmpty(company);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(company)))[..10];
        var slug = Slug(company);
        return new CompanyNames(company, slug.Length == 0 ? $"pv-{hash}" : $"pv-{slug}-{hash}");
    }

    /// <summary>Lower-case ASCII letters and digits; every other run of characters becomes one '-'.</summary>
    private static string Slug(string company)
    {
        var builder = new StringBuilder(MaxSlugLength);
        foreach (var c in company.Normalize(NormalizationForm.FormD))
        {
            if (builder.Length == MaxSlugLength)
            {
                break;
            }

            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
            else if (System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                // The accent of a decomposed letter: "é" slugs as "e".
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().TrimEnd('-');
    }
}
