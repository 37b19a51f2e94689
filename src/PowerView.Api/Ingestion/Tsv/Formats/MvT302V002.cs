namespace PowerView.Api.Ingestion.Tsv.Formats;

/// <summary>T302 logger, historic export without a header block (also found with one in the field).</summary>
internal sealed class MvT302V002 : TsvFormat
{
    public override string Marker => "MV_T302_V002";
}
