using CostOrchestrator.Cli.Simulation;
using CostOrchestrator.Tests.Common;

namespace CostOrchestrator.Cli.Tests.Simulation;

public sealed class WorkloadParserTests
{
    [Fact]
    public void Parse_ReferenceWeek_ReadsEveryPipelineWithTheSampleRegistryAndBudgets()
    {
        var (workload, errors) = WorkloadParser.Parse(File.ReadAllText(Workloads.ReferenceWeek), Workloads.ReferenceWeek);

        Assert.Empty(errors);
        Assert.Equal("reference-week", workload!.Name);
        Assert.Equal(7, workload.Days);
        Assert.Equal(new DateOnly(2026, 3, 2), workload.Start);
        Assert.Equal(
            ["render-weekly-summary", "render-social-clip", "batch-tts-podcast", "llm-doc-task", "llm-spec-task", "llm-design-review", "llm-support-triage"],
            workload.Work.Select(w => w.Pipeline.Id));
        Assert.Contains(workload.Registry, p => p.ProviderId == "claude-opus");
        Assert.Equal(5000m, workload.Budgets!.Global!.DailyLimitCents);
    }

    [Fact]
    public void Parse_BadFields_NamesEveryOneAtOnce()
    {
        using var dir = new TempDirectory();
        var path = Workloads.Write(dir.Path, "bad.json", """
            { "days": 0, "colour": "red", "work": [ { "pipeline": { "id": "p", "steps": [ { "name": "a", "invoke": { "capability": "tts-generate", "budget_cents": -1 } } ] },
                                                     "per_day": -3, "inputs": [], "generate": { "distinct": 2 } } ] }
            """);

        var (workload, errors) = WorkloadParser.Parse(File.ReadAllText(path), path);

        Assert.Null(workload);
        var fields = errors.Select(e => e.Field).ToList();
        Assert.Contains("days", fields);
        Assert.Contains("seed", fields);
        Assert.Contains("colour", fields);
        Assert.Contains("work[0].pipeline.steps[0].invoke.budget_cents", fields);
        Assert.Contains("work[0].per_day", fields);
        Assert.Contains(errors, e => e.Field == "work[0]" && e.Message.Contains("not both", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InputWithoutWhatThePipelineReads_NamesTheInput()
    {
        using var dir = new TempDirectory();
        var clip = Path.Combine(RepositoryPaths.Samples, "pipelines", "render-social-clip.json");
        var path = Workloads.Write(dir.Path, "clips.json", $$"""
            { "days": 1, "seed": 1, "work": [ { "pipeline": {{System.Text.Json.JsonSerializer.Serialize(clip)}}, "per_day": 2,
              "inputs": [ { "script": "a", "scenes": ["x"] }, { "scenes": ["y"] } ] } ] }
            """);

        var (_, errors) = WorkloadParser.Parse(File.ReadAllText(path), path);

        var error = Assert.Single(errors);
        Assert.Equal("work[0].inputs[1]", error.Field);
        Assert.Contains("input.script", error.Message, StringComparison.Ordinal);
    }
}
