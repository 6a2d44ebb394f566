using System.Globalization;

namespace CostOrchestrator.Bench;

/// <summary>The bench's command line: <c>--postgres CS --pgbench PATH --seconds N --out FILE --only governor,pipelines,invocation</c>.</summary>
internal sealed record BenchOptions
{
    /// <summary>Every section, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Sections = ["governor", "slices", "pipelines", "invocation"];

    /// <summary>The bench PostgreSQL (each figure gets a fresh schema on it). Null: SQLite figures only.</summary>
    public string? Postgres { get; init; }

    /// <summary>pgbench, run against <see cref="Postgres"/> beside our governor figures. Null: no pgbench column.</summary>
    public string? PgBench { get; init; }

    /// <summary>Seconds of measurement per figure. Default: 5.</summary>
    public double Seconds { get; init; } = 5;

    /// <summary>Where the markdown goes (also printed). Null: printed only.</summary>
    public string? Output { get; init; }

    /// <summary>The sections to run. Default: all.</summary>
    public IReadOnlySet<string> Only { get; init; } = Sections.ToHashSet(StringComparer.Ordinal);

    /// <summary>Where the embedded nodes keep their files.</summary>
    public string DataDirectory { get; init; } = Directory.CreateTempSubdirectory("costorch-bench").FullName;

    /// <summary>One figure's measurement time.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds(Seconds);

    /// <summary>How long one figure may take in all (start, warm-up, measurement, check) before the bench gives up on it.</summary>
    public TimeSpan FigureBound => TimeSpan.FromSeconds(Seconds * 3 + 180);

    /// <summary>Parses the arguments; every problem at once.</summary>
    public static (BenchOptions? Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (i + 1 >= args.Count)
            {
                errors.Add($"{flag}: needs a value");
                break;
            }

            var value = args[++i];
            switch (flag)
            {
                case "--postgres":
                    options = options with { Postgres = value };
                    break;
                case "--pgbench":
                    options = options with { PgBench = value };
                    break;
                case "--out":
                    options = options with { Output = value };
                    break;
                case "--seconds" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
                    options = options with { Seconds = seconds };
                    break;
                case "--seconds":
                    errors.Add($"--seconds: '{value}' is not a positive number");
                    break;
                case "--only":
                    var only = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                    errors.AddRange(only.Where(s => !Sections.Contains(s)).Select(s => $"--only: unknown section '{s}' (known: {string.Join(", ", Sections)})"));
                    options = options with { Only = only };
                    break;
                default:
                    errors.Add($"{flag}: unknown flag (known: --postgres, --pgbench, --seconds, --out, --only)");
                    break;
            }
        }

        if (options.PgBench is not null && options.Postgres is null)
        {
            errors.Add("--pgbench: needs --postgres (pgbench runs on the bench's PostgreSQL)");
        }

        return (errors.Count == 0 ? options : null, errors);
    }
}
