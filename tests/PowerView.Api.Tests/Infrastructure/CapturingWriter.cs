using System.Text;

namespace PowerView.Api.Tests.Infrastructure;

/// <summary>Collects the chunks TsvIngestor sends, as text lines.</summary>
internal sealed class CapturingWriter
{
    public List<string> Chunks { get; } = [];

    public IEnumerable<string> Lines => Chunks.SelectMany(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    public Task Write(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Chunks.Add(Encoding.UTF8.GetString(body.Span));
        return Task.CompletedTask;
    }
}
