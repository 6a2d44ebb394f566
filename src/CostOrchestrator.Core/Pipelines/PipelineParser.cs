using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CostOrchestrator.Abstractions.Pipelines;
using CostOrchestrator.Abstractions.Serialization;

namespace CostOrchestrator.Core.Pipelines;

/// <summary>
/// Reads pipelines in JSON or the short YAML form and validates them field by field. Every error names
/// its field (<c>steps[1].invoke.budget_cents</c>); unknown fields are errors, never ignored.
/// </summary>
public static partial class PipelineParser
{
    private static readonly string[] _topFields = ["id", "description", "scopes", "priority", "budget", "partial_progress", "limits", "steps", "pipeline"];
    private static readonly string[] _scopeFields = ["org", "team", "project", "user", "work_item"];
    private static readonly string[] _limitFields = ["max_steps", "max_retries", "max_fanout", "max_tokens", "timeout_seconds"];
    private static readonly string[] _stepFields = ["name", "invoke"];
    private static readonly string[] _invokeFields =
    [
        "capability", "inputs", "budget_cents", "prefer", "fallback", "priority", "complexity", "min_quality",
        "escalate", "retries", "timeout_seconds", "cache", "optional", "for_each",
    ];

    private static readonly string[] _prefers = ["cheapest", "fastest", "local-first", "quality"];
    private static readonly string[] _fallbacks = ["reject", "queue", "degrade"];
    private static readonly string[] _priorities = ["low", "normal", "high"];
    private static readonly string[] _complexities = ["simple", "moderate", "complex"];

    /// <summary>Parses JSON (text starting with <c>{</c>) or YAML.</summary>
    public static PipelineParseResult Parse(string text, PipelineParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        if (trimmed.Length == 0)
        {
            return Fail("$", "the pipeline document is empty");
        }

        JsonNode? root;
        if (trimmed[0] is '{' or '[')
        {
            try
            {
                root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
            }
            catch (JsonException ex)
            {
                return Fail(ex.Path ?? "$", $"malformed JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
            }
        }
        else
        {
            var (node, error) = YamlToJson.Convert(text);
            if (error is not null)
            {
                return Fail("$", $"malformed YAML: {error}");
            }

            root = node;
        }

        return Parse(root, options);
    }

    /// <summary>Validates an already-parsed JSON document.</summary>
    public static PipelineParseResult Parse(JsonElement element, PipelineParseOptions? options = null) =>
        Parse(JsonNode.Parse(element.GetRawText()), options);

    /// <summary>
    /// Checks what can only be checked with the run's input, before anything is charged: every
    /// <c>for_each</c> over the input must be a list within <c>max_fanout</c>.
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateInput(PipelineDefinition pipeline, JsonElement? input)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var errors = new List<FieldError>();
        var context = new TemplateContext { Input = input };
        for (var i = 0; i < pipeline.Steps.Count; i++)
        {
            var invoke = pipeline.Steps[i].Invoke;
            var field = $"steps[{i}].invoke.for_each";
            if (invoke.ForEach is null || !TemplateEngine.References(invoke.ForEach).All(r => r.StartsWith("input", StringComparison.Ordinal)))
            {
                continue;
            }

            var (value, error) = TemplateEngine.RenderString(invoke.ForEach, context);
            if (error is not null)
            {
                errors.Add(new FieldError(field, error));
            }
            else if (value is not { ValueKind: JsonValueKind.Array } list)
            {
                errors.Add(new FieldError(field, "must resolve to a list"));
            }
            else if (list.GetArrayLength() > pipeline.Limits.MaxFanout)
            {
                errors.Add(new FieldError(field, $"fans out to {list.GetArrayLength()} items, over limits.max_fanout {pipeline.Limits.MaxFanout}"));
            }
        }

        return errors;
    }

    private static PipelineParseResult Parse(JsonNode? root, PipelineParseOptions? options)
    {
        if (root is not JsonObject obj)
        {
            return Fail("$", "a pipeline must be an object with 'id' and 'steps' (or a 'pipeline:' list)");
        }

        var errors = new List<FieldError>();
        var normalized = Normalize(obj, options, errors);
        if (errors.Count > 0)
        {
            return new PipelineParseResult { Errors = errors };
        }

        Validate(normalized, options, errors);
        if (errors.Count > 0)
        {
            return new PipelineParseResult { Errors = errors };
        }

        var pipeline = normalized.Deserialize<PipelineDefinition>(CostOrchestratorJson.Options)!;
        return new PipelineParseResult { Pipeline = pipeline };
    }

    // The short form: `pipeline:` is a list of `- invoke: {...}` with optional `name`; steps get names from their capability.
    private static JsonObject Normalize(JsonObject source, PipelineParseOptions? options, List<FieldError> errors)
    {
        var obj = (JsonObject)source.DeepClone();
        if (obj.ContainsKey("pipeline"))
        {
            if (obj.ContainsKey("steps"))
            {
                errors.Add(new FieldError("pipeline", "give either 'steps' or a 'pipeline' list, not both"));
                return obj;
            }

            var list = obj["pipeline"];
            obj.Remove("pipeline");
            if (list is JsonArray steps)
            {
                var used = new HashSet<string>(StringComparer.Ordinal);
                foreach (var step in steps.OfType<JsonObject>())
                {
                    if (step["name"] is null && step["invoke"] is JsonObject invoke && invoke["capability"] is JsonValue cap
                        && cap.TryGetValue<string>(out var capability))
                    {
                        var name = capability;
                        for (var n = 2; !used.Add(name); n++)
                        {
                            name = $"{capability}-{n}";
                        }

                        step["name"] = name;
                    }
                    else if (step["name"] is JsonValue given && given.TryGetValue<string>(out var g))
                    {
                        used.Add(g);
                    }
                }
            }

            obj["steps"] = list;
        }

        if (!obj.ContainsKey("id") && options?.DefaultId is { } defaultId)
        {
            obj["id"] = defaultId;
        }

        return obj;
    }

    private static void Validate(JsonObject obj, PipelineParseOptions? options, List<FieldError> errors)
    {
        Unknown(obj, string.Empty, _topFields, errors);
        RequiredString(obj, "id", "id", errors, IdPattern());
        if (obj["description"] is { } description && description.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new FieldError("description", "must be a string"));
        }

        if (Optional<JsonObject>(obj, "scopes", "scopes", errors) is { } scopes)
        {
            Unknown(scopes, "scopes.", _scopeFields, errors);
            foreach (var field in _scopeFields)
            {
                if (scopes[field] is not null)
                {
                    RequiredString(scopes, field, $"scopes.{field}", errors, ScopeValuePattern());
                }
            }
        }

        OptionalEnum(obj, "priority", "priority", _priorities, errors);
        if (Optional<JsonObject>(obj, "budget", "budget", errors) is { } budget)
        {
            Unknown(budget, "budget.", ["limit_cents"], errors);
            if (budget["limit_cents"] is null)
            {
                errors.Add(new FieldError("budget.limit_cents", "is required"));
            }
            else
            {
                Number(budget, "limit_cents", "budget.limit_cents", 0m, 100_000_000m, errors);
            }
        }

        Boolean(obj, "partial_progress", "partial_progress", errors);
        if (Optional<JsonObject>(obj, "limits", "limits", errors) is { } limits)
        {
            Unknown(limits, "limits.", _limitFields, errors);
            Integer(limits, "max_steps", "limits.max_steps", 1, 100_000, errors);
            Integer(limits, "max_retries", "limits.max_retries", 0, 1_000, errors);
            Integer(limits, "max_fanout", "limits.max_fanout", 1, 10_000, errors);
            Integer(limits, "max_tokens", "limits.max_tokens", 1, 1_000_000_000_000, errors);
            Integer(limits, "timeout_seconds", "limits.timeout_seconds", 1, 604_800, errors);
        }

        if (obj["steps"] is not JsonArray steps)
        {
            errors.Add(new FieldError("steps", obj["steps"] is null ? "is required" : "must be a list"));
            return;
        }

        if (steps.Count == 0)
        {
            errors.Add(new FieldError("steps", "must contain at least one step"));
        }

        var earlier = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < steps.Count; i++)
        {
            var path = $"steps[{i}]";
            if (steps[i] is not JsonObject step)
            {
                errors.Add(new FieldError(path, "must be an object with 'name' and 'invoke'"));
                continue;
            }

            Unknown(step, path + ".", _stepFields, errors);
            var name = RequiredString(step, "name", path + ".name", errors, StepNamePattern());
            if (name is not null && earlier.Contains(name))
            {
                errors.Add(new FieldError(path + ".name", $"duplicates an earlier step named '{name}'"));
            }

            if (step["invoke"] is not JsonObject invoke)
            {
                errors.Add(new FieldError(path + ".invoke", step["invoke"] is null ? "is required" : "must be an object"));
            }
            else
            {
                ValidateInvoke(invoke, path + ".invoke", earlier, options, errors);
            }

            if (name is not null)
            {
                earlier.Add(name);
            }
        }

    }

    private static void ValidateInvoke(JsonObject invoke, string path, HashSet<string> earlier, PipelineParseOptions? options, List<FieldError> errors)
    {
        Unknown(invoke, path + ".", _invokeFields, errors);
        var capability = RequiredString(invoke, "capability", path + ".capability", errors, CapabilityPattern());
        if (capability is not null && options?.KnownCapabilities is { } known && !known.Contains(capability))
        {
            errors.Add(new FieldError(path + ".capability", $"unknown capability '{capability}'; known: {string.Join(", ", known.Order(StringComparer.Ordinal))}"));
        }

        Number(invoke, "budget_cents", path + ".budget_cents", 0m, 100_000_000m, errors);
        OptionalEnum(invoke, "prefer", path + ".prefer", _prefers, errors);
        OptionalEnum(invoke, "fallback", path + ".fallback", _fallbacks, errors);
        OptionalEnum(invoke, "priority", path + ".priority", _priorities, errors);
        OptionalEnum(invoke, "complexity", path + ".complexity", _complexities, errors);
        Integer(invoke, "min_quality", path + ".min_quality", 1, 3, errors);
        Integer(invoke, "retries", path + ".retries", 0, 10, errors);
        Integer(invoke, "timeout_seconds", path + ".timeout_seconds", 1, 86_400, errors);
        Boolean(invoke, "escalate", path + ".escalate", errors);
        Boolean(invoke, "cache", path + ".cache", errors);
        Boolean(invoke, "optional", path + ".optional", errors);

        var hasForEach = false;
        if (invoke["for_each"] is { } forEach)
        {
            if (forEach.GetValueKind() != JsonValueKind.String || !WholeTemplatePattern().IsMatch(forEach.GetValue<string>()))
            {
                errors.Add(new FieldError(path + ".for_each", "must be one template such as \"{{ input.scenes }}\""));
            }
            else
            {
                hasForEach = true;
                CheckReferences(forEach.GetValue<string>(), path + ".for_each", earlier, allowItem: false, errors);
            }
        }

        if (invoke["inputs"] is { } inputs)
        {
            if (inputs is not JsonObject)
            {
                errors.Add(new FieldError(path + ".inputs", "must be an object"));
            }
            else
            {
                CheckTemplates(inputs, path + ".inputs", earlier, hasForEach, errors);
            }
        }
    }

    private static void CheckTemplates(JsonNode? node, string path, HashSet<string> earlier, bool allowItem, List<FieldError> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    CheckTemplates(value, $"{path}.{key}", earlier, allowItem, errors);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckTemplates(array[i], $"{path}[{i}]", earlier, allowItem, errors);
                }

                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                CheckReferences(text, path, earlier, allowItem, errors);
                break;
        }
    }

    private static void CheckReferences(string text, string path, HashSet<string> earlier, bool allowItem, List<FieldError> errors)
    {
        foreach (var reference in TemplateEngine.References(text))
        {
            var segments = reference.Split('.');
            switch (segments[0])
            {
                case "input":
                    break;
                case "item" or "index" when allowItem:
                    break;
                case "item" or "index":
                    errors.Add(new FieldError(path, $"'{{{{ {reference} }}}}' is only valid in a step with for_each"));
                    break;
                case "steps" when segments.Length >= 3 && segments[2] == "result":
                    if (!earlier.Contains(segments[1]))
                    {
                        errors.Add(new FieldError(path, $"'{{{{ {reference} }}}}' refers to step '{segments[1]}', which is not an earlier step"));
                    }

                    break;
                default:
                    errors.Add(new FieldError(path, $"'{{{{ {reference} }}}}' must start with input., steps.<name>.result, item or index"));
                    break;
            }
        }
    }

    private static void Unknown(JsonObject obj, string prefix, string[] allowed, List<FieldError> errors)
    {
        foreach (var (key, _) in obj)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                errors.Add(new FieldError(prefix + key, $"unknown field; expected one of {string.Join(", ", allowed.Where(a => a != "pipeline"))}"));
            }
        }
    }

    private static T? Optional<T>(JsonObject obj, string name, string path, List<FieldError> errors) where T : JsonNode
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }

        if (node is T typed)
        {
            return typed;
        }

        errors.Add(new FieldError(path, "must be an object"));
        return null;
    }

    private static string? RequiredString(JsonObject obj, string name, string path, List<FieldError> errors, Regex pattern)
    {
        var node = obj[name];
        if (node is null)
        {
            errors.Add(new FieldError(path, "is required"));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(new FieldError(path, "must be a string"));
            return null;
        }

        var value = node.GetValue<string>();
        if (!pattern.IsMatch(value))
        {
            errors.Add(new FieldError(path, $"'{value}' is not a valid value (letters, digits, '-', '_', '.'; 1-100 characters)"));
            return null;
        }

        return value;
    }

    private static void OptionalEnum(JsonObject obj, string name, string path, string[] allowed, List<FieldError> errors)
    {
        var node = obj[name];
        if (node is null)
        {
            return;
        }

        if (node.GetValueKind() != JsonValueKind.String || !allowed.Contains(node.GetValue<string>(), StringComparer.Ordinal))
        {
            errors.Add(new FieldError(path, $"must be one of {string.Join(", ", allowed)}"));
        }
    }

    private static void Number(JsonObject obj, string name, string path, decimal min, decimal max, List<FieldError> errors)
    {
        var node = obj[name];
        if (node is null)
        {
            return;
        }

        if (node.GetValueKind() != JsonValueKind.Number)
        {
            errors.Add(new FieldError(path, "must be a number"));
            return;
        }

        // Parse the text: a YAML-born node holds a long or decimal, a JSON-born one a JsonElement.
        var value = decimal.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        if (value < min || value > max)
        {
            errors.Add(new FieldError(path, value < 0 ? "must not be negative" : $"must be between {min} and {max}"));
        }
        else if (decimal.Round(value, 6) != value)
        {
            errors.Add(new FieldError(path, "has more than six decimal places of a cent"));
        }
    }

    private static long? Integer(JsonObject obj, string name, string path, long min, long max, List<FieldError> errors)
    {
        var node = obj[name];
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !long.TryParse(node.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(new FieldError(path, "must be a whole number"));
            return null;
        }

        if (value < min || value > max)
        {
            errors.Add(new FieldError(path, $"must be between {min} and {max}"));
            return null;
        }

        return value;
    }

    private static void Boolean(JsonObject obj, string name, string path, List<FieldError> errors)
    {
        if (obj[name] is { } node && node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new FieldError(path, "must be true or false"));
        }
    }

    private static PipelineParseResult Fail(string field, string message) =>
        new() { Errors = [new FieldError(field, message)] };

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$")]
    private static partial Regex ScopeValuePattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_-]{0,99}$")]
    private static partial Regex StepNamePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex CapabilityPattern();

    [GeneratedRegex(@"^\s*\{\{[^{}]+\}\}\s*$")]
    private static partial Regex WholeTemplatePattern();
}
