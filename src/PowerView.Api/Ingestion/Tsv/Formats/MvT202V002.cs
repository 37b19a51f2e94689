namespace PowerView.Api.Ingestion.Tsv.Formats;

/// <summary>T202 logger: the same layout as the T302 V002 export (the original rejected it; the contract accepts it).</summary>
internal sealed class MvT202V002 : TsvFormat
{
    public override string Marker => "MV_T202_V002";
}
