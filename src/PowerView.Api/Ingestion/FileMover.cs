namespace PowerView.Api.Ingestion;

/// <summary>
/// Moves a processed file into <c>parsed/</c> or <c>error/</c> next to it, never overwriting: when the
/// name is taken the file becomes <c>name.1.tsv</c>, <c>name.2.tsv</c>… (a re-upload must not erase the
/// earlier copy). The no-overwrite move is atomic, so two movers cannot both take one name.
/// </summary>
internal static class FileMover
{
    public static string MoveInto(string file, string folderName)
    {
        var folder = Path.Combine(Path.GetDirectoryName(file)!, folderName);
        Directory.CreateDirectory(folder);
        var name = Path.GetFileNameWithoutExtension(file);
        var extension = Path.GetExtension(file);
        for (var n = 0; ; n++)
        {
            var target = Path.Combine(folder, n == 0 ? name + extension : $"{name}.{n}{extension}");
            if (File.Exists(target))
            {
                continue;
            }

            try
            {
                File.Move(file, target, overwrite: false);
                return target;
            }
            catch (IOException) when (File.Exists(target) && File.Exists(file))
            {
                // Taken between the check and the move: try the next suffix.
            }
        }
    }
}
