namespace PowerView.Api.Ingestion.Tsv.Formats;

/// <summary>T302 logger with a JSON header block (MasterType, time settings) and START_DATA/END_DATA.</summary>
internal sealed class MvT302V003 : TsvFormat
{
    public override string Marker => "MV_T302_V003";
}
