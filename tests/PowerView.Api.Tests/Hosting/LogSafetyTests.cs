using PowerView.Api.Hosting;
using PowerView.Api.Tests.Infrastructure;
using Serilog.Events;
using Serilog.Parsing;

namespace PowerView.Api.Tests.Hosting;

/// <summary>Names from outside cannot forge log lines: control characters are escaped where the log is formatted.</summary>
public sealed class LogSafetyTests
{
    private const string Forged = "T302_\u001b[31mred\n[00:00:00 ERR] PowerView.Api: forged.tsv";

    [Fact]
    public async Task AFileNamedWithANewlineAndAnEscapeSequenceGivesOneLogLinePerEventAndNoEscapeCharacter()
    {
        using var folder = new TempFolder();
        var path = folder.PlaceSample("dominique/T302_260105_162016.tsv", name: Forged);

        var (exit, stdout, stderr) = await PowerViewProcess.RunAsync(folder, ["ingest", path], ("Serilog__MinimumLevel__Default", "Information"));

        Assert.True(exit == 0, stderr + stdout);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.DoesNotContain(stderr.Split('\n'), line => line.StartsWith("[00:00:00 ERR]", StringComparison.Ordinal));
        Assert.Contains(@"T302_\u001B[31mred\n[00:00:00 ERR] PowerView.Api: forged.tsv", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExceptionMessageIsEscapedAndItsStackTraceKept()
    {
        var formatter = new LogSafety.ConsoleFormatter("{Level:u3} {Message:lj}{NewLine}");
        Exception exception;
        try
        {
            throw new IOException("could not move '" + Forged + "'", new InvalidOperationException("inner\r\nline"));
        }
        catch (IOException ex)
        {
            exception = ex;
        }

        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Error, exception, new MessageTemplateParser().Parse("Move failed"), []);
        using var text = new StringWriter();
        formatter.Format(logEvent, text);

        var lines = text.ToString().Split(Environment.NewLine);
        Assert.Equal("ERR Move failed", lines[0]);
        Assert.StartsWith(@"System.IO.IOException: could not move 'T302_\u001B[31mred\n[00:00:00 ERR] PowerView.Api: forged.tsv' ---> System.InvalidOperationException: inner\r\nline", lines[1], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(nameof(AnExceptionMessageIsEscapedAndItsStackTraceKept), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("[00:00:00", StringComparison.Ordinal));
    }

    [Fact]
    public void NestedStringsAreEscapedAndCleanValuesAreLeftAsTheyAre()
    {
        var enricher = new LogSafety.Enricher();
        var clean = new ScalarValue("acme/site1");
        var logEvent = new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse("{A} {B} {C}"),
        [
            new LogEventProperty("A", clean),
            new LogEventProperty("B", new SequenceValue([new ScalarValue("x\ny")])),
            new LogEventProperty("C", new StructureValue([new LogEventProperty("Name", new ScalarValue("\u001b[2J"))])),
        ]);

        enricher.Enrich(logEvent, null!);

        Assert.Same(clean, logEvent.Properties["A"]);
        Assert.Contains(@"x\ny", logEvent.Properties["B"].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', logEvent.Properties["B"].ToString());
        Assert.Contains(@"\u001B[2J", logEvent.Properties["C"].ToString(), StringComparison.Ordinal);
    }
}
