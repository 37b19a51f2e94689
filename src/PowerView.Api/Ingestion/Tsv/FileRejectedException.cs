namespace PowerView.Api.Ingestion.Tsv;

/// <summary>The file cannot be ingested as it is (unknown format, missing format lines, unsafe names…).
/// The run ends in <c>error</c> and the file moves to <c>error/</c>; the message says why.</summary>
internal sealed class FileRejectedException(string message) : Exception(message);
