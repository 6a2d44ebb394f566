using System.Globalization;
using System.Text;

namespace CostOrchestrator.Server.Tests.Hosting;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): every line is blank, a comment (<c># HELP</c>,
/// <c># TYPE</c> or another <c>#</c> line), or a sample <c>name{label="value",...} value [timestamp]</c>. Anything else,
/// a sample of a family whose TYPE was not declared first, or a series given twice, fails the parse with its line.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly string[] FamilySuffixes = ["_total", "_bucket", "_sum", "_count", "_created", "_info"];

    private PrometheusText(IReadOnlyList<Sample> samples, IReadOnlyDictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<Sample> Samples { get; }

    /// <summary>Family name → its declared type (counter, gauge, histogram, ...).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1];
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var parts = line.Split(' ', 4);
                if (parts is ["#", "TYPE", var family, var type])
                {
                    if (!IsName(family) || type is not ("counter" or "gauge" or "histogram" or "summary" or "untyped" or "unknown" or "info"))
                    {
                        throw Bad(number, line, "a TYPE line needs a metric name and a known type");
                    }

                    types[family] = type;
                }

                continue;
            }

            var sample = ParseSample(line, number);
            if (!types.ContainsKey(FamilyOf(sample.Name, types)))
            {
                throw Bad(number, line, $"no TYPE declared for {sample.Name}");
            }

            if (!series.Add(sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")) + "}"))
            {
                throw Bad(number, line, "the same series twice");
            }

            samples.Add(sample);
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>Every sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public IEnumerable<Sample> Where(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The sum of the samples <see cref="Where"/> selects (0 when there are none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) => Where(name, labels).Sum(s => s.Value);

    private static string FamilyOf(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name))
        {
            return name;
        }

        foreach (var suffix in FamilySuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.ContainsKey(name[..^suffix.Length]))
            {
                return name[..^suffix.Length];
            }
        }

        return name;
    }

    private static Sample ParseSample(string line, int number)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' '))
        {
            position++;
        }

        var name = line[..position];
        if (!IsName(name))
        {
            throw Bad(number, line, $"'{name}' is not a metric name");
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (line[position] != '}')
            {
                var equals = line.IndexOf('=', position);
                if (equals < 0)
                {
                    throw Bad(number, line, "a label without '='");
                }

                var key = line[position..equals];
                if (!IsLabelName(key) || equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    throw Bad(number, line, $"label '{key}' is not name=\"value\"");
                }

                position = equals + 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (position >= line.Length)
                    {
                        throw Bad(number, line, "an unterminated label value");
                    }

                    var c = line[position++];
                    if (c == '"')
                    {
                        break;
                    }

                    if (c == '\\')
                    {
                        value.Append(line[position++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            var other => throw Bad(number, line, $"an unknown escape \\{other}"),
                        });
                        continue;
                    }

                    value.Append(c);
                }

                if (!labels.TryAdd(key, value.ToString()))
                {
                    throw Bad(number, line, $"label '{key}' twice");
                }

                if (line[position] == ',')
                {
                    position++;
                }
                else if (line[position] != '}')
                {
                    throw Bad(number, line, "labels must be separated by ','");
                }
            }

            position++;
        }

        var rest = line[position..].Split(' ');
        if (rest.Length is not (2 or 3) || rest[0].Length != 0 || !TryNumber(rest[1], out var sampleValue))
        {
            throw Bad(number, line, "a sample needs one space, then a number (and an optional timestamp)");
        }

        if (rest.Length == 3 && !long.TryParse(rest[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw Bad(number, line, "the timestamp is not an integer");
        }

        return new Sample(name, labels, sampleValue);
    }

    private static bool TryNumber(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or ':') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static bool IsLabelName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static FormatException Bad(int number, string line, string why) => new($"line {number}: {why}: {line}");

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
