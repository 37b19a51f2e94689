using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace PowerView.Api.Hosting;

/// <summary>
/// Names that come from outside (file and folder names uploaded over SFTP, hook bodies) can hold a newline or an ESC
/// sequence: written raw, they forge log lines or repaint a terminal. They are escaped where the log is formatted, for
/// every call site at once: string properties by an enricher (every sink), exception messages by the text formatter of
/// the console (JSON sinks escape by themselves).
/// </summary>
internal static class LogSafety
{
    /// <summary><c>a\nb</c> → <c>a\\nb</c>; other control characters as <c>\uXXXX</c>. Unchanged (same instance) when there is none.</summary>
    public static string Escape(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return sb.ToString();
    }

    /// <summary>Replaces every string property value (nested ones included) by its escaped form.</summary>
    internal sealed class Enricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            foreach (var (name, value) in logEvent.Properties.ToList())
            {
                var safe = Clean(value);
                if (!ReferenceEquals(safe, value))
                {
                    logEvent.AddOrUpdateProperty(new LogEventProperty(name, safe));
                }
            }
        }

        private static LogEventPropertyValue Clean(LogEventPropertyValue value) => value switch
        {
            ScalarValue { Value: string text } when Escape(text) is var escaped && !ReferenceEquals(escaped, text) => new ScalarValue(escaped),
            SequenceValue sequence when sequence.Elements.Select(Clean).ToList() is var elements && !elements.SequenceEqual(sequence.Elements) => new SequenceValue(elements),
            StructureValue structure when structure.Properties.Select(p => new LogEventProperty(p.Name, Clean(p.Value))).ToList() is var properties
                && !properties.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value)) => new StructureValue(properties, structure.TypeTag),
            DictionaryValue dictionary when dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Clean(e.Value))).ToList() is var entries
                && !entries.Select(e => e.Value).SequenceEqual(dictionary.Elements.Select(e => e.Value)) => new DictionaryValue(entries),
            _ => value,
        };
    }

    /// <summary>The console's text: the template without its exception, then the exception with its messages escaped (stack frames are code, kept as they are).</summary>
    internal sealed class ConsoleFormatter(string template) : ITextFormatter
    {
        private readonly MessageTemplateTextFormatter _line = new(template);

        public void Format(LogEvent logEvent, TextWriter output)
        {
            _line.Format(logEvent, output);
            if (logEvent.Exception is { } exception)
            {
                Render(exception, output);
                output.WriteLine();
            }
        }

        private static void Render(Exception exception, TextWriter output)
        {
            output.Write(exception.GetType().FullName);
            output.Write(": ");
            output.Write(Escape(exception.Message));
            if (exception.InnerException is { } inner)
            {
                output.Write(" ---> ");
                Render(inner, output);
                output.WriteLine();
                output.Write("   --- End of inner exception stack trace ---");
            }

            if (exception.StackTrace is { } stack)
            {
                output.WriteLine();
                output.Write(stack);
            }
        }
    }
}
