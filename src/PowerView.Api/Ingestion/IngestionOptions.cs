using System.Globalization;
using Microsoft.Extensions.Options;

namespace PowerView.Api.Ingestion;

/// <summary>
/// Section <c>Ingestion</c>: when the sweep takes a file that received no event (contract §5), and how the rows of a
/// file are dated (contract §3): the zone of the loggers' local clocks and the earliest believable time.
/// </summary>
internal sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>A complete-looking file is taken once unmodified for this long.</summary>
    public int SettleSeconds { get; set; } = 10;

    /// <summary>An incomplete-looking file (V003 without END_DATA, last line without newline) waits this long.</summary>
    public int IncompleteGraceSeconds { get; set; } = 600;

    public int SweepIntervalSeconds { get; set; } = 60;

    /// <summary>IANA zone of the loggers' clocks for a file whose header does not say (every plain V002/T202 export).</summary>
    public string TimeZone { get; set; } = "Europe/Paris";

    /// <summary><c>TimeZones:&lt;company&gt;:Default</c> and <c>TimeZones:&lt;company&gt;:Campaigns:&lt;campaign&gt;</c>: the campaign's wins over the company's, which wins over <see cref="TimeZone"/>.</summary>
    public Dictionary<string, CompanyTimeZones> TimeZones { get; set; } = [];

    /// <summary>
    /// Rows dated before this instant (after the zone conversion) come from a logger whose clock was lost (it restarts
    /// at 01/01/20 01:00): they are counted, not written. An ISO-8601 instant with its offset.
    /// </summary>
    public string EarliestValidTime { get; set; } = "2021-01-01T00:00:00Z";

    /// <summary>
    /// <see cref="EarliestValidTime"/> as an instant. The offset is required (<c>Z</c> or <c>±hh:mm</c>): a bare local
    /// time would be read in some zone nobody chose. .NET's parser, not NodaTime's patterns, whose first use costs a
    /// short CLI process about 15 ms.
    /// </summary>
    internal static bool TryParseInstant(string? text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParseExact(text?.Trim(), ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
}

/// <summary>One company's entry of <c>Ingestion:TimeZones</c>.</summary>
internal sealed class CompanyTimeZones
{
    public string? Default { get; set; }

    public Dictionary<string, string> Campaigns { get; set; } = [];
}

internal sealed class IngestionOptionsValidation(IConfiguration configuration) : IValidateOptions<IngestionOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestionOptions o)
    {
        var errors = new List<string>();
        if (o.SettleSeconds < 0)
        {
            errors.Add("Ingestion:SettleSeconds must be 0 or more");
        }

        if (o.IncompleteGraceSeconds < o.SettleSeconds)
        {
            errors.Add("Ingestion:IncompleteGraceSeconds must be at least Ingestion:SettleSeconds");
        }

        if (o.SweepIntervalSeconds < 1)
        {
            errors.Add("Ingestion:SweepIntervalSeconds must be 1 or more");
        }

        CheckZone(errors, "Ingestion:TimeZone", o.TimeZone);
        CheckTimeZonesShape(errors);
        foreach (var (company, zones) in o.TimeZones)
        {
            if (zones.Default is not null)
            {
                CheckZone(errors, $"Ingestion:TimeZones:{company}:Default", zones.Default);
            }

            foreach (var (campaign, zone) in zones.Campaigns)
            {
                CheckZone(errors, $"Ingestion:TimeZones:{company}:Campaigns:{campaign}", zone);
            }
        }

        if (!IngestionOptions.TryParseInstant(o.EarliestValidTime, out _))
        {
            errors.Add($"Ingestion:EarliestValidTime must be an instant with its offset, such as 2021-01-01T00:00:00Z (got '{o.EarliestValidTime}')");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckZone(List<string> errors, string key, string? id)
    {
        if (LocalTimeZones.Find(id) is null)
        {
            errors.Add($"{key} must be an IANA time zone id such as Europe/Paris or UTC (got '{id}')");
        }
    }

    /// <summary>
    /// The binder ignores what does not fit the shape, so a typo (<c>Campaign:site1</c>, or a zone given straight to
    /// the company) would leave the company on the default zone without a word: every value written an hour off.
    /// </summary>
    private void CheckTimeZonesShape(List<string> errors)
    {
        foreach (var company in configuration.GetSection($"{IngestionOptions.SectionName}:TimeZones").GetChildren())
        {
            var key = $"Ingestion:TimeZones:{company.Key}";
            if (company.Value is not null)
            {
                errors.Add($"{key} must hold Default and/or Campaigns:<campaign>, not a zone itself (write {key}:Default)");
            }

            foreach (var child in company.GetChildren())
            {
                if (child.Key.Equals("Campaigns", StringComparison.OrdinalIgnoreCase))
                {
                    if (child.Value is not null && child.Value.Length > 0)
                    {
                        errors.Add($"{key}:Campaigns must hold one zone per campaign ({key}:Campaigns:<campaign>)");
                    }

                    foreach (var campaign in child.GetChildren().Where(c => c.Value is null))
                    {
                        errors.Add($"{key}:Campaigns:{campaign.Key} must be a zone id");
                    }
                }
                else if (!child.Key.Equals("Default", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{key}:{child.Key} is not a setting: a company takes Default and Campaigns:<campaign>");
                }
            }
        }
    }
}
