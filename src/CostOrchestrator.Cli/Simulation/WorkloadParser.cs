using System.Globalization;
using System.Text.Json;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Core.Pipelines;

namespace CostOrchestrator.Cli.Simulation;

/// <summary>
/// Reads a workload file and checks everything a simulation needs before any node starts: its fields (unknown
/// ones are errors), the registry and budgets it names, every pipeline against that registry, and every input
/// against its pipeline. Every error names its field (<c>work[1].per_day</c>); all are reported together.
/// </summary>
internal static class WorkloadParser
{
    /// <summary>The first simulated day when the file gives no <c>start</c>: a Monday, so a week is one budget week.</summary>
    public static readonly DateOnly DefaultStart = new(2026, 3, 2);

    private const int MaxDays = 366;
    private static readonly string[] _fields = ["description", "days", "seed", "start", "profile", "registry", "budgets", "work"];
    private static readonly string[] _workFields = ["pipeline", "per_day", "inputs", "generate"];
    private static readonly string[] _generateFields = ["template", "distinct"];

    /// <summary>Parses the file at <paramref name="path"/>; paths in it are relative to its folder.</summary>
    public static (Workload? Workload, IReadOnlyList<FieldError> Errors) Parse(string json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(path);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return (null, [new FieldError(ex.Path ?? "$", $"malformed JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})")]);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, [new FieldError("$", "a workload is a JSON object")]);
            }

            var errors = new List<FieldError>();
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            Unknown(root, _fields, string.Empty, errors);
            var days = Integer(root, "days", "days", 1, MaxDays, errors);
            var seed = Seed(root, errors);
            var start = Start(root, errors);
            var sources = WorkloadSources.Load(OptionalPath(root, "profile", folder, errors), OptionalPath(root, "registry", folder, errors),
                OptionalPath(root, "budgets", folder, errors), errors);
            var capabilities = sources.Providers.Select(p => p.Capability).ToHashSet(StringComparer.Ordinal);
            var work = Work(root, folder, capabilities, errors);
            if (errors.Count > 0)
            {
                return (null, errors);
            }

            return (new Workload
            {
                Name = Path.GetFileNameWithoutExtension(path),
                Days = days!.Value,
                Seed = seed!.Value,
                Start = start,
                TimeZone = sources.TimeZone,
                Registry = sources.Providers,
                BudgetsPath = sources.BudgetsPath,
                Budgets = sources.Budgets,
                Work = work,
            }, errors);
        }
    }

    private static List<WorkloadEntry> Work(JsonElement root, string folder, IReadOnlySet<string> capabilities, List<FieldError> errors)
    {
        var entries = new List<WorkloadEntry>();
        if (!root.TryGetProperty("work", out var work))
        {
            errors.Add(new FieldError("work", "required: a list of { pipeline, per_day, inputs | generate }"));
            return entries;
        }

        if (work.ValueKind != JsonValueKind.Array || work.GetArrayLength() == 0)
        {
            errors.Add(new FieldError("work", "must be a non-empty list"));
            return entries;
        }

        var index = 0;
        foreach (var item in work.EnumerateArray())
        {
            var field = $"work[{index++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new FieldError(field, "must be an object"));
                continue;
            }

            Unknown(item, _workFields, field + ".", errors);
            var pipeline = Pipeline(item, field + ".pipeline", folder, capabilities, errors);
            var perDay = PerDay(item, field + ".per_day", errors);
            var (inputs, generate) = Inputs(item, field, pipeline, errors);
            if (pipeline is not null && perDay is not null)
            {
                entries.Add(new WorkloadEntry { Pipeline = pipeline, PerDay = perDay, Inputs = inputs, Generate = generate });
            }
        }

        return entries;
    }

    private static PipelineDefinition? Pipeline(JsonElement item, string field, string folder, IReadOnlySet<string> capabilities, List<FieldError> errors)
    {
        if (!item.TryGetProperty("pipeline", out var pipeline))
        {
            errors.Add(new FieldError(field, "required: a pipeline file (JSON or the short YAML form) or an inline pipeline"));
            return null;
        }

        PipelineParseResult parsed;
        string prefix;
        if (pipeline.ValueKind == JsonValueKind.String)
        {
            var file = Path.GetFullPath(Path.Combine(folder, pipeline.GetString()!));
            if (!File.Exists(file))
            {
                errors.Add(new FieldError(field, $"'{file}' not found"));
                return null;
            }

            parsed = PipelineParser.Parse(File.ReadAllText(file), new PipelineParseOptions { DefaultId = Path.GetFileNameWithoutExtension(file), KnownCapabilities = capabilities });
            prefix = $"{Path.GetFileName(file)}: ";
        }
        else if (pipeline.ValueKind == JsonValueKind.Object)
        {
            parsed = PipelineParser.Parse(pipeline, new PipelineParseOptions { KnownCapabilities = capabilities });
            prefix = string.Empty;
        }
        else
        {
            errors.Add(new FieldError(field, "must be a file path or an inline pipeline object"));
            return null;
        }

        errors.AddRange(parsed.Errors.Select(e => prefix.Length == 0 ? new FieldError($"{field}.{e.Field}", e.Message) : new FieldError(field, prefix + e)));
        return parsed.IsValid ? parsed.Pipeline : null;
    }

    private static List<int>? PerDay(JsonElement item, string field, List<FieldError> errors)
    {
        const string Shape = "must be a whole number of runs a day (0 or more), or a non-empty list of them cycled day by day";
        if (!item.TryGetProperty("per_day", out var perDay))
        {
            errors.Add(new FieldError(field, "required: " + Shape[8..]));
            return null;
        }

        var values = perDay.ValueKind == JsonValueKind.Array ? perDay.EnumerateArray().ToList() : [perDay];
        var counts = values.Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? n : (int?)null).ToList();
        if (counts.Count == 0 || counts.Any(c => c is null))
        {
            errors.Add(new FieldError(field, Shape));
            return null;
        }

        return [.. counts.Select(c => c!.Value)];
    }

    private static (IReadOnlyList<JsonElement> Inputs, InputGenerator? Generate) Inputs(JsonElement item, string field, PipelineDefinition? pipeline, List<FieldError> errors)
    {
        var hasInputs = item.TryGetProperty("inputs", out var inputs);
        var hasGenerate = item.TryGetProperty("generate", out var generate);
        if (hasInputs && hasGenerate)
        {
            errors.Add(new FieldError(field, "give inputs (a list cycled run by run) or generate (variants drawn with repeats), not both"));
            return ([], null);
        }

        if (hasGenerate)
        {
            return ([], Generator(generate, field + ".generate", pipeline, errors));
        }

        if (!hasInputs)
        {
            // A pipeline that reads no input; one that does is refused below, by the input check of its first run.
            Check(pipeline, null, field + ".inputs", errors);
            return ([], null);
        }

        if (inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            errors.Add(new FieldError(field + ".inputs", "must be a non-empty list of input objects, cycled run by run"));
            return ([], null);
        }

        var list = inputs.EnumerateArray().Select(i => i.Clone()).ToList();
        for (var i = 0; i < list.Count; i++)
        {
            Check(pipeline, list[i], $"{field}.inputs[{i}]", errors);
        }

        return (list, null);
    }

    private static InputGenerator? Generator(JsonElement generate, string field, PipelineDefinition? pipeline, List<FieldError> errors)
    {
        if (generate.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(field, "must be { \"template\": { ... }, \"distinct\": N }"));
            return null;
        }

        Unknown(generate, _generateFields, field + ".", errors);
        var distinct = Integer(generate, "distinct", field + ".distinct", 1, 1_000_000, errors);
        if (!generate.TryGetProperty("template", out var template) || template.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new FieldError(field + ".template", $"required: an input object whose strings may hold {InputGenerator.Placeholder}"));
            return null;
        }

        if (distinct is null)
        {
            return null;
        }

        var generator = new InputGenerator { Template = template.Clone(), Distinct = distinct.Value };
        Check(pipeline, generator.Make(1), field + ".template", errors);
        return generator;
    }

    // An input that the pipeline would refuse at submission is refused now, before anything runs.
    private static void Check(PipelineDefinition? pipeline, JsonElement? input, string field, List<FieldError> errors)
    {
        if (pipeline is null)
        {
            return;
        }

        if (input is { ValueKind: not JsonValueKind.Object })
        {
            errors.Add(new FieldError(field, "must be an object"));
            return;
        }

        errors.AddRange(PipelineParser.ValidateInput(pipeline, input).Select(e => new FieldError(field, e.ToString())));
        // for_each over the input is checked above; here every other place a step reads the input.
        var context = new TemplateContext { Input = input };
        for (var i = 0; i < pipeline.Steps.Count; i++)
        {
            var invoke = pipeline.Steps[i].Invoke;
            var references = Strings(invoke.Inputs).SelectMany(TemplateEngine.References)
                .Where(r => r == "input" || r.StartsWith("input.", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal);
            foreach (var reference in references)
            {
                if (TemplateEngine.RenderString("{{ " + reference + " }}", context).Error is { } error)
                {
                    errors.Add(new FieldError(field, $"step {pipeline.Steps[i].Name} reads {error}"));
                }
            }
        }
    }

    private static IEnumerable<string> Strings(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } text => [text.GetString()!],
        { ValueKind: JsonValueKind.Object } obj => obj.EnumerateObject().SelectMany(p => Strings(p.Value)),
        { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().SelectMany(item => Strings(item)),
        _ => [],
    };

    private static long? Seed(JsonElement root, List<FieldError> errors)
    {
        if (!root.TryGetProperty("seed", out var seed))
        {
            errors.Add(new FieldError("seed", "required: a whole number (the same seed gives the same simulation)"));
            return null;
        }

        if (seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out var value))
        {
            return value;
        }

        errors.Add(new FieldError("seed", "must be a whole number"));
        return null;
    }

    private static DateOnly Start(JsonElement root, List<FieldError> errors)
    {
        if (!root.TryGetProperty("start", out var start))
        {
            return DefaultStart;
        }

        if (start.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(start.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        errors.Add(new FieldError("start", "must be a date, YYYY-MM-DD"));
        return DefaultStart;
    }

    private static int? Integer(JsonElement parent, string name, string field, int min, int max, List<FieldError> errors)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            errors.Add(new FieldError(field, $"required: a whole number from {min} to {max}"));
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max)
        {
            return number;
        }

        errors.Add(new FieldError(field, $"must be a whole number from {min} to {max}"));
        return null;
    }

    private static string? OptionalPath(JsonElement root, string name, string folder, List<FieldError> errors)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } path)
        {
            return Path.GetFullPath(Path.Combine(folder, path));
        }

        errors.Add(new FieldError(name, "must be a file path"));
        return null;
    }

    private static void Unknown(JsonElement obj, string[] known, string prefix, List<FieldError> errors) =>
        errors.AddRange(obj.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal))
            .Select(p => new FieldError(prefix + p.Name, $"unknown field (known: {string.Join(", ", known)})")));
}
