using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.TimeZones;
using PowerView.Api.Ingestion.Tsv;

namespace PowerView.Api.Ingestion;

/// <summary>
/// The zone the loggers of each company and campaign keep their clocks in (contract §3):
/// <c>Ingestion:TimeZones:&lt;company&gt;:Campaigns:&lt;campaign&gt;</c>, else <c>Ingestion:TimeZones:&lt;company&gt;:Default</c>,
/// else <c>Ingestion:TimeZone</c>. Company and campaign names match whatever their case, as configuration keys do
/// (an environment variable or a JSON file cannot tell <c>Acme</c> from <c>acme</c> anyway).
/// <para>
/// The rules are NodaTime's embedded TZDB, so a container image without tzdata dates rows exactly as a full host,
/// and every report says which edition of the rules it used (<see cref="RulesVersion"/>).
/// </para>
/// </summary>
internal sealed class LocalTimeZones
{
    private readonly ClockSettings _default;
    private readonly Dictionary<string, ClockSettings> _companies = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Company, string Campaign), ClockSettings> _campaigns = new(CompanyCampaignComparer.Instance);

    public LocalTimeZones(IOptions<IngestionOptions> options)
    {
        var o = options.Value;
        // Validated at start-up (IngestionOptionsValidation): every id is known and the instant parses.
        var earliest = IngestionOptions.TryParseInstant(o.EarliestValidTime, out var earliestValidTime)
            ? earliestValidTime.ToUnixTimeSeconds()
            : throw new InvalidOperationException("Ingestion:EarliestValidTime was not validated");
        _default = new ClockSettings(Find(o.TimeZone)!, "Ingestion:TimeZone", earliest);
        foreach (var (company, zones) in o.TimeZones)
        {
            if (zones.Default is not null)
            {
                _companies[company] = new ClockSettings(Find(zones.Default)!, $"Ingestion:TimeZones:{company}:Default", earliest);
            }

            foreach (var (campaign, zone) in zones.Campaigns)
            {
                _campaigns[(company, campaign)] = new ClockSettings(Find(zone)!, $"Ingestion:TimeZones:{company}:Campaigns:{campaign}", earliest);
            }
        }
    }

    /// <summary>The TZDB edition the zones come from, as the reports show it: <c>tzdb 2025b</c>.</summary>
    public static string RulesVersion { get; } = $"tzdb {TzdbDateTimeZoneSource.Default.TzdbVersion}";

    /// <summary>The zone of an IANA id (case as written, e.g. <c>Europe/Paris</c>, <c>UTC</c>); null when TZDB does not know it.</summary>
    public static DateTimeZone? Find(string? id) =>
        string.IsNullOrWhiteSpace(id) ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id.Trim());

    /// <summary>Loads the rules and the default zone (see <c>AddIngestion</c>).</summary>
    public static void Preload() => Find(new IngestionOptions().TimeZone);

    /// <summary>
    /// The zone of a company as a whole (its downsampled days and weeks, which span its campaigns):
    /// <c>Ingestion:TimeZones:&lt;company&gt;:Default</c>, else <c>Ingestion:TimeZone</c>; and the key that chose it.
    /// </summary>
    public (string ZoneId, string Source) ForCompany(string company) =>
        _companies.TryGetValue(company, out var forCompany) ? (forCompany.Zone.Id, forCompany.ZoneSource) : (_default.Zone.Id, _default.ZoneSource);

    public ClockSettings For(string company, string campaign) =>
        _campaigns.TryGetValue((company, campaign), out var forCampaign) ? forCampaign
        : _companies.TryGetValue(company, out var forCompany) ? forCompany
        : _default;

    private sealed class CompanyCampaignComparer : IEqualityComparer<(string Company, string Campaign)>
    {
        public static readonly CompanyCampaignComparer Instance = new();

        public bool Equals((string Company, string Campaign) x, (string Company, string Campaign) y) =>
            StringComparer.OrdinalIgnoreCase.Equals(x.Company, y.Company) && StringComparer.OrdinalIgnoreCase.Equals(x.Campaign, y.Campaign);

        public int GetHashCode((string Company, string Campaign) obj) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Company), StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Campaign));
    }
}
